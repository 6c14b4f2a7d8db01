// The editors by kind (UiEditor.kind), loaded only when a document is opened: the bundle
// of Tiptap and Yjs is half a megabyte, which the rest of the workspace never needs.

const EDITORS = {
  writer: () => import("./writer.js").then((m) => m.writerView),
  sheets: () => import("./sheets.js").then((m) => m.sheetsView),
  slides: () => import("./slides.js").then((m) => m.slidesView),
};
let collab = null;

// Close the open document's socket (the route changed).
export function leaveEditor() {
  if (collab) collab.leave();
}

export async function editorView(section, kind, fileId) {
  collab = await import("./collab.js");
  const view = await EDITORS[kind]();
  await view(section, fileId);
}
