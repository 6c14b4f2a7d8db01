// The third-party code of the workspace's editors, in one ES module: Tiptap (ProseMirror)
// with its collaboration extensions over Yjs, and y-websocket. The hand-written editors in
// static/js/ import what they need from the built bundle (static/vendor/editors.js).

export { Editor, Extension, Node, mergeAttributes } from "@tiptap/core";
export { default as StarterKit } from "@tiptap/starter-kit";
export { default as Collaboration } from "@tiptap/extension-collaboration";
export { default as CollaborationCursor } from "@tiptap/extension-collaboration-cursor";
export { default as Table } from "@tiptap/extension-table";
export { default as TableRow } from "@tiptap/extension-table-row";
export { default as TableCell } from "@tiptap/extension-table-cell";
export { default as TableHeader } from "@tiptap/extension-table-header";
export { default as Image } from "@tiptap/extension-image";
export { default as Link } from "@tiptap/extension-link";
export * as Y from "yjs";
export { WebsocketProvider } from "y-websocket";
