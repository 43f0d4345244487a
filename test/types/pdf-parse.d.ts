// pdf-parse 1.1 ships no types; the tests use its library entry (the package's index runs a self-test).
declare module "pdf-parse/lib/pdf-parse.js" {
  function pdf(data: Buffer): Promise<{ numpages: number; text: string }>;
  export default pdf;
}
