/** A fixed product catalog. Prices are integer euro cents, so totals add up exactly. */
export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
}

export const products: readonly Product[] = Object.freeze([
  { sku: 'TEA-001', name: 'Sencha green tea, 100 g', price: 890 },
  { sku: 'TEA-002', name: 'Assam black tea, 250 g', price: 1250 },
  { sku: 'CUP-001', name: 'Stoneware cup', price: 1490 },
  { sku: 'POT-001', name: 'Cast-iron teapot, 0.8 l', price: 4900 },
  { sku: 'FLT-001', name: 'Paper filters, 100 pcs', price: 390 },
  { sku: 'KTL-001', name: 'Gooseneck kettle', price: 6990 },
]);

export const catalog: ReadonlyMap<string, Product> = new Map(products.map((p) => [p.sku, p]));
