import { expect } from 'chai';
import { DiskWriteError, diskWriteError } from '../../../src/storage/disk-errors.js';
import { ErrorCode } from '../../../src/util/errors.js';

/** An error shaped as classic-level raises a LevelDB I/O failure. */
function levelIoError(message: string): Error {
  return Object.assign(new Error(message), { code: 'LEVEL_IO_ERROR' });
}

describe('disk write errors name the data directory and the OS error', () => {
  it('ENOSPC from a log write', () => {
    const err = diskWriteError('/var/lib/sibyl', levelIoError('IO error: /var/lib/sibyl/000003.log: No space left on device'));
    expect(err).to.be.instanceOf(DiskWriteError);
    expect(err!.message).to.equal('Cannot write to data_directory /var/lib/sibyl: No space left on device (ENOSPC)');
    expect(err!.code).to.equal(ErrorCode.Server);
    expect(err!.fields()).to.deep.equal({ dataDirectory: '/var/lib/sibyl', errno: 'ENOSPC' });
  });

  it('EACCES and EROFS, found inside a failed open\'s cause', () => {
    const open = Object.assign(new Error('Database failed to open'), {
      code: 'LEVEL_DATABASE_NOT_OPEN',
      cause: levelIoError('IO error: /d/MANIFEST-000004: Permission denied'),
    });
    expect(diskWriteError('/d', open)!.message).to.equal('Cannot write to data_directory /d: Permission denied (EACCES)');
    expect(diskWriteError('/d', levelIoError('IO error: /d/000007.ldb: Read-only file system'))!.message).to.equal(
      'Cannot write to data_directory /d: Read-only file system (EROFS)',
    );
  });

  it('an I/O error with an OS text it does not know keeps LevelDB\'s words', () => {
    expect(diskWriteError('/d', levelIoError('IO error: /d/000003.log: Stale file handle'))!.message).to.equal(
      'Cannot write to data_directory /d: /d/000003.log: Stale file handle',
    );
  });

  it('anything that is not an I/O error is left alone', () => {
    expect(diskWriteError('/d', new Error('no layout for table x'))).to.equal(undefined);
    expect(diskWriteError('/d', Object.assign(new Error('Database is not open'), { code: 'LEVEL_DATABASE_NOT_OPEN' }))).to.equal(undefined);
  });
});
