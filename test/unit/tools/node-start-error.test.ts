import { expect } from 'chai';
import { describeStartError } from '../../../src/tools/node-command.js';
import { DEFAULT_SETTINGS } from '../../../src/util/settings.js';

/** An error shaped as Node's net module raises it when listen() is refused. */
function listenError(code: string, port: number): Error {
  return Object.assign(new Error(`listen ${code}: permission denied 127.0.0.1:${port}`), { code, errno: -13, syscall: 'listen', address: '127.0.0.1', port });
}

describe('describeStartError', () => {
  const settings = { ...DEFAULT_SETTINGS, native_transport_port: 80, storage_port: 81 };

  it('names the setting whose privileged port the process may not listen on', () => {
    expect(describeStartError(listenError('EACCES', 80), settings)).to.equal(
      'permission denied to listen on 127.0.0.1:80 (native_transport_port); ports below 1024 need privileges',
    );
    expect(describeStartError(listenError('EACCES', 81), settings)).to.equal('permission denied to listen on 127.0.0.1:81 (storage_port); ports below 1024 need privileges');
  });

  it('names listen_address when the name does not resolve', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'nowhere.invalid' });
    expect(describeStartError(err, { ...settings, listen_address: 'nowhere.invalid' })).to.equal('address nowhere.invalid cannot be resolved (listen_address)');
  });
});
