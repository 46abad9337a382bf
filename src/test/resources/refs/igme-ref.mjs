// A second implementation of igme-attribution's ref format, written from the README's
// "The ref format" section alone, with Node.js's standard library (no code shared with the
// service). Used by RefFormatInteropTest: refs minted here must verify in the service, and
// refs minted by the service must verify here.
//
//   node igme-ref.mjs mint   <kid:base64secret> <slug> <linkId> [externalId] [expiryEpochSeconds]
//   node igme-ref.mjs verify <kid:base64secret> <ref>     -> prints "VERIFIED <externalId or ->" or "INVALID"
import crypto from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url'); // RFC 4648 §5, no padding

function keys(spec) {
  const colon = spec.indexOf(':');
  const kid = spec.slice(0, colon);
  const secret = Buffer.from(spec.slice(colon + 1), 'base64');
  const derive = (purpose) => crypto.createHmac('sha256', secret).update(purpose, 'ascii').digest();
  return { kid, macKey: derive('igme-ref-mac'), encKey: derive('igme-ref-enc') };
}

function tag(macKey, text) {
  return b64url(crypto.createHmac('sha256', macKey).update(text, 'ascii').digest().subarray(0, 12));
}

function mint(spec, slug, link, externalId, expiry) {
  const k = keys(spec);
  let ref = `${slug}=1${k.kid}=${link}`;
  if (expiry) ref += `=e${expiry}`;
  if (externalId) {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', k.encKey, nonce, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(link, 'ascii'));
    const sealed = Buffer.concat([cipher.update(externalId, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    ref += `=x${b64url(Buffer.concat([nonce, sealed]))}`;
  }
  return `${ref}=${tag(k.macKey, ref)}`;
}

function verify(spec, ref) {
  const k = keys(spec);
  const last = ref.lastIndexOf('=');
  const signed = ref.slice(0, last);
  const given = Buffer.from(ref.slice(last + 1), 'ascii');
  const expected = Buffer.from(tag(k.macKey, signed), 'ascii');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'INVALID';
  const parts = signed.split('=');
  if (parts[1] !== `1${k.kid}`) return 'INVALID';
  const link = parts[2];
  let externalId = '-';
  for (const field of parts.slice(3)) {
    if (field.startsWith('x')) {
      const bytes = Buffer.from(field.slice(1), 'base64url');
      const decipher = crypto.createDecipheriv('aes-256-gcm', k.encKey, bytes.subarray(0, 12), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(link, 'ascii'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      externalId = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    }
  }
  return `VERIFIED ${externalId}`;
}

const [command, spec, ...rest] = process.argv.slice(2);
if (command === 'mint') {
  const [slug, link, externalId, expiry] = rest;
  process.stdout.write(mint(spec, slug, link, externalId, expiry) + '\n');
} else if (command === 'verify') {
  process.stdout.write(verify(spec, rest[0]) + '\n');
} else {
  process.stderr.write('usage: igme-ref.mjs mint|verify ...\n');
  process.exit(2);
}
