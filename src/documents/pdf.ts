// Text letters laid out as PDF with pdfkit (pure JavaScript, standard PDF fonts: nothing downloaded).
import PDFDocument from "pdfkit";

export interface PdfMeta {
  title: string;
  author: string;
  /** Fixed creation date, so the same letter gives the same bytes (and the same SHA-256). */
  createdAt: Date;
}

/** Lays out a plain-text letter: one paragraph per line, lines starting with "- " as a list. */
export function letterPdf(text: string, meta: PdfMeta): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: "A4",
      margins: { top: 56, bottom: 56, left: 64, right: 64 },
      info: { Title: meta.title, Author: meta.author, CreationDate: meta.createdAt },
    });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.font("Helvetica").fontSize(10.5);
    const width = doc.page.width - 128;
    for (const raw of text.split("\n")) {
      const indent = raw.length - raw.trimStart().length;
      const line = raw.trim();
      if (line === "") {
        doc.moveDown(0.6);
        continue;
      }
      const bold = line === line.toUpperCase() && /[A-ZÀ-Ý]/.test(line);
      doc.font(bold ? "Helvetica-Bold" : "Helvetica");
      if (indent >= 20) doc.text(line, 64 + width / 2, doc.y, { width: width / 2 });
      else if (line.startsWith("- ")) doc.text(line, 78, doc.y, { width: width - 14 });
      else doc.text(line, 64, doc.y, { width, align: "left" });
    }
    doc.end();
  });
}
