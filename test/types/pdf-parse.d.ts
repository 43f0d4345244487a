// The pdf.js 1.10 build that pdf-parse ships has no types: the little the tests use.
interface PdfJs {
  disableWorker: boolean;
  getDocument(data: Uint8Array): Promise<{
    numPages: number;
    getPage(n: number): Promise<{ getTextContent(): Promise<{ items: Array<{ str: string; transform: number[] }> }> }>;
  }>;
}
