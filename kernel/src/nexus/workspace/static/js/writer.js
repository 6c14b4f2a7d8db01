// The Writer editor: Tiptap over the Yjs XmlFragment "default" (what Writer's exports read),
// with the others' cursors, and a toolbar for headings, lists, tables, links and images.

import {
  Collaboration, CollaborationCursor, Editor, Image, Link, StarterKit, Table, TableCell, TableHeader, TableRow,
} from "../vendor/editors.js";
import { driveImage, join, presence, uploadToDrive } from "./collab.js";
import { t } from "./i18n.js";
import { attempt, h } from "./ui.js";

// Images hold a Drive file id (Writer's model); the picture is fetched with the token.
const DriveImage = Image.extend({
  addNodeView() {
    return ({ node }) => {
      const img = document.createElement("img");
      img.alt = node.attrs.alt || "";
      img.dataset.file = node.attrs.src || "";
      driveImage(node.attrs.src).then((url) => { img.src = url; });
      return { dom: img };
    };
  },
});

// y-prosemirror's default caret sets a style attribute, which the CSP refuses; CSSOM is fine.
function caret(user) {
  const mark = document.createElement("span");
  mark.className = "collab-caret";
  mark.style.borderColor = user.color;
  const label = document.createElement("span");
  label.className = "collab-caret-label";
  label.style.backgroundColor = user.color;
  label.textContent = user.name;
  mark.append(label);
  return mark;
}

function toolbar(editor) {
  const run = (label, id, command, active) => {
    const button = h("button", { type: "button", id: `writer-${id}`, "aria-pressed": "false" }, label);
    button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    button.addEventListener("click", () => command(editor.chain().focus()).run());
    if (active) editor.on("transaction", () => button.setAttribute("aria-pressed", String(active())));
    return button;
  };
  const image = h("input", { type: "file", accept: "image/*", id: "writer-image-file", hidden: true });
  image.addEventListener("change", () => attempt(async () => {
    const [file] = image.files;
    if (!file) return;
    const id = await uploadToDrive(file);
    editor.chain().focus().setImage({ src: id, alt: file.name }).run();
    image.value = "";
  }));
  return h("div", { class: "toolbar", role: "toolbar", "aria-label": t("editor.format") },
    [1, 2, 3].map((level) => run(`H${level}`, `h${level}`, (c) => c.toggleHeading({ level }), () => editor.isActive("heading", { level }))),
    run(t("editor.bold"), "bold", (c) => c.toggleBold(), () => editor.isActive("bold")),
    run(t("editor.italic"), "italic", (c) => c.toggleItalic(), () => editor.isActive("italic")),
    run(t("editor.bullets"), "bullets", (c) => c.toggleBulletList(), () => editor.isActive("bulletList")),
    run(t("editor.numbers"), "numbers", (c) => c.toggleOrderedList(), () => editor.isActive("orderedList")),
    run(t("editor.table"), "table", (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: false })),
    run(t("editor.row"), "row", (c) => c.addRowAfter()),
    run(t("editor.column"), "column", (c) => c.addColumnAfter()),
    run(t("editor.link"), "link", (c) => {
      const href = prompt(t("editor.link_address"), editor.getAttributes("link").href || "https://");
      return href ? c.extendMarkRange("link").setLink({ href }) : c.extendMarkRange("link").unsetLink();
    }, () => editor.isActive("link")),
    run(t("editor.image"), "image", (c) => { image.click(); return c; }),
    image);
}

export async function writerView(section, fileId) {
  const { doc, provider, user, readOnly } = await join(fileId);
  const page = h("div", { class: "writer-page", id: "writer-editor" });
  const editor = new Editor({
    element: page,
    editable: !readOnly,
    injectCSS: false, // the CSP allows no inline <style>; app.css has ProseMirror's rules
    extensions: [
      // Only the nodes and marks Writer's model and exports know (README, "The document model").
      StarterKit.configure({
        history: false, blockquote: false, codeBlock: false, code: false, strike: false,
        horizontalRule: false, hardBreak: false,
      }),
      Table.configure({ resizable: false }), TableRow, TableCell, TableHeader,
      DriveImage.configure({ inline: false }),
      Link.configure({ openOnClick: false, autolink: false }),
      Collaboration.configure({ document: doc, field: "default" }),
      CollaborationCursor.configure({ provider, user, render: caret, selectionRender: () => ({ class: "collab-selection" }) }),
    ],
    editorProps: { attributes: { "aria-label": t("editor.document"), role: "textbox", "aria-multiline": "true" } },
  });
  section.append(h("div", { class: "editor-bar" }, readOnly ? h("p", { id: "read-only" }, t("editor.read_only")) : toolbar(editor), presence(provider)), page);
  return editor;
}
