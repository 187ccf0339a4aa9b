// How a test starts another process of the runtime it runs in. Under qemu
// user-mode emulation (scripts/check-arm64.sh) the kernel cannot exec an arm64
// binary by itself (no binfmt_misc handler here), so the emulator that
// RDKAFKA_NAPI_TEST_EMULATOR names starts it.

/** The command and arguments that run `args` in a new process of this runtime. */
export function runtimeProcess(args: readonly string[]): [command: string, args: string[]] {
  const emulator = process.env.RDKAFKA_NAPI_TEST_EMULATOR;
  return emulator ? [emulator, [process.execPath, ...args]] : [process.execPath, [...args]];
}
