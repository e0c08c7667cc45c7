import { expect } from 'chai';
import { hashPassword, HASH_BYTES, SALT_BYTES, verifyPassword } from '../../../src/cql/auth/password.js';

describe('password hashing (scrypt)', () => {
  const salt = Buffer.alloc(SALT_BYTES, 7);

  it('stores the parameters, the salt and the hash in one string', async () => {
    const stored = await hashPassword('s3cret', salt);
    const parts = stored.split('$');
    expect(parts.slice(0, 4)).to.deep.equal(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).to.deep.equal(salt);
    expect(Buffer.from(parts[5]!, 'base64')).to.have.length(HASH_BYTES);
  });

  it('accepts the password it hashed and refuses any other', async () => {
    const stored = await hashPassword('s3cret', salt);
    expect(await verifyPassword('s3cret', stored)).to.equal(true);
    expect(await verifyPassword('s3cret ', stored)).to.equal(false);
    expect(await verifyPassword('', stored)).to.equal(false);
  });

  it('gives the same password different hashes under different salts', async () => {
    const a = await hashPassword('s3cret', salt);
    const b = await hashPassword('s3cret', Buffer.alloc(SALT_BYTES, 8));
    expect(a).to.not.equal(b);
    expect(await verifyPassword('s3cret', b)).to.equal(true);
  });

  it('refuses malformed stored strings instead of throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$AA==$AA==', 'bcrypt$16384$8$1$AA==$AA==', 'scrypt$16384$8$1$AA==$']) {
      expect(await verifyPassword('s3cret', stored), stored).to.equal(false);
    }
  });
});
