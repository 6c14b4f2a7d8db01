// A standard Yjs client for the collaboration tests: y-websocket's WebsocketProvider over ws.
//
// node client.mjs <ws base> <file id> <token> <paragraph text> <paragraphs expected>
//
// Joins the document, appends one paragraph (a ProseMirror "paragraph" element holding a
// text node, as Tiptap's Collaboration extension stores it in the XmlFragment "default"),
// waits until the document holds the expected number of paragraphs (the other clients'
// included) — or, given "denied" instead of a number, until the server refuses its update
// (y-websocket's permission-denied) — then prints the paragraphs' texts, the refusals and
// how many peers' awareness it saw as JSON, and exits. Exits 2 after 20 s without that.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const [base, fileId, token, text, expected] = process.argv.slice(2)
const doc = new Y.Doc()
const fragment = doc.getXmlFragment('default')
const denied = []
const warn = console.warn
console.warn = (...args) => {
  const line = args.join(' ')
  if (line.startsWith('Permission denied')) denied.push(line)
  else warn(...args)
}
const provider = new WebsocketProvider(base, fileId, doc, {
  WebSocketPolyfill: WebSocket,
  params: { access_token: token },
  disableBc: true
})
provider.awareness.setLocalStateField('user', { name: 'node', cursor: 0 })

const paragraphs = () =>
  fragment.toArray()
    .filter((node) => node instanceof Y.XmlElement && node.nodeName === 'paragraph')
    .map((node) => node.toArray().map((child) => child.toString()).join(''))

const finish = (code) => {
  const peers = [...provider.awareness.getStates().keys()].filter((id) => id !== doc.clientID)
  console.log(JSON.stringify({ paragraphs: paragraphs(), denied, peers: peers.length }))
  provider.destroy()
  process.exit(code)
}
setTimeout(() => finish(2), 20000)

provider.once('sync', () => {
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    const content = new Y.XmlText()
    content.insert(0, text)
    paragraph.insert(0, [content])
    fragment.insert(fragment.length, [paragraph])
  })
  // "denied": a viewer waits for the server's refusal; else for that many paragraphs.
  const done = () => expected === 'denied' ? denied.length > 0 : paragraphs().length >= Number(expected)
  const poll = setInterval(() => {
    // the socket has sent everything (the last update included) before it closes
    if (done() && provider.ws && provider.ws.bufferedAmount === 0) {
      clearInterval(poll)
      finish(0)
    }
  }, 20)
})
