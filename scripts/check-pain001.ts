import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { pain001File } from '../lib/releases/pain001';
import { eurSample, gbpSample } from '../tests/fixtures/pain001-samples';
import { parseArgs } from './args';

/**
 * `npm run check:pain001 -- --xsd PATH`: writes the sample payout files of the unit tests
 * (tests/fixtures/pain001-samples.ts: three SEPA payouts in EUR, one GBP payout without BICs) with
 * lib/releases/pain001.ts and validates them with xmllint-wasm against the XSD at PATH — meant for
 * the official ISO 20022 schema of pain.001.001.03, which is not in the repository (the unit tests
 * use the subset in tests/fixtures/pain001-subset.xsd). Prints each file's result; exit 0 when
 * all are valid, 1 on a validation error, 2 when it cannot run. Not part of `npm test`.
 */
const usage = 'usage: npm run check:pain001 -- --xsd PATH/TO/pain.001.001.03.xsd';

const { flags } = parseArgs(process.argv.slice(2));
const xsdPath = flags.xsd;
if (typeof xsdPath !== 'string') {
  console.error(usage);
  process.exit(2);
}

let schema: string;
try {
  schema = readFileSync(xsdPath, 'utf8');
} catch (error) {
  console.error(`check:pain001: cannot read ${xsdPath}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

const samples = [
  { name: 'EUR, 3 payments', fileName: 'payout-eur.xml', xml: pain001File(eurSample) },
  { name: 'GBP, no BICs', fileName: 'payout-gbp.xml', xml: pain001File(gbpSample) },
];

let failed = 0;
for (const sample of samples) {
  const result = await validateXML({
    xml: [{ fileName: sample.fileName, contents: sample.xml }],
    schema: [{ fileName: path.basename(xsdPath), contents: schema }],
  });
  if (result.valid) {
    console.log(`OK    ${sample.name}: valid against ${xsdPath}`);
  } else {
    failed += 1;
    console.error(`FAIL  ${sample.name}: ${result.errors.length} error(s) against ${xsdPath}`);
    for (const e of result.errors) console.error(`      ${e.rawMessage}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
