/**
 * `npm run bench -- --isa avx2|sse4`: the bench with both sides held to an older instruction set, a
 * stand-in for the second, non-AVX-512 CPU that this machine cannot be. PyTorch is told through its
 * own switches (ATen's ATEN_CPU_CAPABILITY, oneDNN's DNNL_MAX_CPU_ISA; OpenBLAS is not used by
 * Debian's torch, which links the reference BLAS); our side through V8's code-generation flags,
 * which are process-wide (worker threads included), so the bench re-executes itself with them.
 * V8 never emits AVX-512, so `avx2` leaves our side as it is and restricts PyTorch only; `sse4`
 * takes AVX, AVX2 and FMA from both. Only the instruction set changes, not the microarchitecture
 * (caches, issue width, clock): a result of it is an emulation and is labelled as one.
 */
import { spawnSync } from 'node:child_process';

export type BenchIsa = 'native' | 'avx2' | 'sse4';

const V8_FLAGS: Record<BenchIsa, string[]> = {
  native: [],
  avx2: [],
  sse4: ['--no-enable-avx', '--no-enable-avx2', '--no-enable-fma3'],
};

const TORCH_ENV: Record<BenchIsa, Record<string, string>> = {
  native: {},
  avx2: { ATEN_CPU_CAPABILITY: 'avx2', DNNL_MAX_CPU_ISA: 'AVX2', ONEDNN_MAX_CPU_ISA: 'AVX2' },
  sse4: { ATEN_CPU_CAPABILITY: 'default', DNNL_MAX_CPU_ISA: 'SSE41', ONEDNN_MAX_CPU_ISA: 'SSE41' },
};

const APPLIED = 'BRAIN_RNN_BENCH_ISA_APPLIED';

export interface BenchArgs {
  isa: BenchIsa;
  /** `--only learning`: the four learning workloads and their ratios, none of the rest. */
  learningOnly: boolean;
}

/**
 * @example
 * const { isa, learningOnly } = parseBenchArgs(process.argv.slice(2));
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { isa: 'native', learningOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--isa') {
      if (value !== 'native' && value !== 'avx2' && value !== 'sse4') throw new Error(`bench: --isa must be native, avx2 or sse4, got ${value ?? 'nothing'}`);
      args.isa = value;
      i++;
    } else if (argv[i] === '--only') {
      if (value !== 'learning') throw new Error(`bench: --only takes "learning", got ${value ?? 'nothing'}`);
      args.learningOnly = true;
      i++;
    } else {
      throw new Error(`bench: unknown argument ${argv[i]} (known: --isa native|avx2|sse4, --only learning)`);
    }
  }
  return args;
}

/**
 * When `isa` needs V8 flags this process was not started with, run the bench again with them and
 * return its exit code; otherwise undefined (go on here).
 * @example
 * const code = reexecForIsa('sse4'); if (code !== undefined) process.exit(code);
 */
export function reexecForIsa(isa: BenchIsa): number | undefined {
  const flags = V8_FLAGS[isa];
  if (flags.length === 0 || process.env[APPLIED] === isa) return undefined;
  const child = spawnSync(process.execPath, [...flags, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, [APPLIED]: isa },
  });
  return child.status ?? 1;
}

/** The environment PyTorch's reference runs with under `isa`. */
export function torchEnvironment(isa: BenchIsa): NodeJS.ProcessEnv {
  return { ...process.env, ...TORCH_ENV[isa] };
}

/** How the run's instruction sets read in the table's header. */
export function isaDescription(isa: BenchIsa, torchCapability: string | undefined): string {
  const torch = torchCapability ? `PyTorch's ATen kernels: ${torchCapability}` : 'PyTorch not run';
  if (isa === 'native') return `native instruction sets (${torch})`;
  return `EMULATED older CPU, --isa ${isa}: V8 ${V8_FLAGS[isa].length > 0 ? V8_FLAGS[isa].join(' ') : 'unchanged (it emits no AVX-512)'}; PyTorch ${Object.entries(TORCH_ENV[isa]).map(([k, v]) => `${k}=${v}`).join(' ')} (${torch})`;
}
