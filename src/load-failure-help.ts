// Step-by-step help for the reasons the native addon may fail to load.

const SOURCE_BUILD = [
  '     Debian/Ubuntu: apt-get install build-essential python3 pkg-config libssl-dev libsasl2-dev libzstd-dev liblz4-dev zlib1g-dev',
  '     then: npm rebuild rdkafka-napi   (builds the bundled librdkafka and the addon, about 2 minutes;',
  '     RDKAFKA_NAPI_SYSTEM_LIBRDKAFKA=1 npm rebuild rdkafka-napi links the system librdkafka found by pkg-config instead)',
];

/** What to do, step by step, for the reason the addon did not load. */
export function loadFailureHelp(cause: string): string[] {
  const library = /([\w.+-]+\.so[.\d]*): cannot open shared object file/.exec(cause)?.[1];
  if (library?.startsWith('libsasl2.')) {
    return [
      `  The binary needs the Cyrus SASL library ${library}, which is not installed (it is linked dynamically because`,
      '  SASL loads its mechanisms as plugins). Install it and run again:',
      '     Debian/Ubuntu: apt-get install libsasl2-2      Fedora/RHEL: dnf install cyrus-sasl-lib',
      '     Alpine: apk add libsasl                        Arch: pacman -S libsasl',
    ];
  }
  if (library) {
    return [`  The binary needs the shared library ${library}, which is not installed: install the package providing it.`];
  }
  const version = /version `((?:GLIBC|GLIBCXX|CXXABI)_[\d.]+)' not found/.exec(cause)?.[1];
  if (version) {
    return [
      `  The prebuilt binary needs ${version}, newer than this system's C/C++ runtime. Build from source instead:`,
      ...SOURCE_BUILD,
    ];
  }
  if (/No native build was found/.test(cause)) {
    return [
      `  No prebuilt binary ships for ${process.platform}-${process.arch} and no source build exists`,
      '  (or `npm install --ignore-scripts` skipped it). Build from source:',
      ...SOURCE_BUILD,
    ];
  }
  return [
    '  1. If no binary exists for this platform, build from source:',
    ...SOURCE_BUILD,
    '  2. If a binary exists but fails to load, the cause below names what is missing.',
  ];
}
