import kafkajs from 'kafkajs';
import type { CompressionCodec } from '@lagscale/codecs';

const { CompressionCodecs, CompressionTypes } = kafkajs;

// kafkajs's codec contract (see @lagscale/codecs compression/kafkajs.ts): a factory per type,
// returning { compress(encoder), decompress(buffer) }, both async, so a codec can load on use.
interface KafkajsCodec {
  compress(encoder: { readonly buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

type LazyType = typeof CompressionTypes.Snappy | typeof CompressionTypes.LZ4 | typeof CompressionTypes.ZSTD;

let loaded: Promise<Record<LazyType, CompressionCodec>> | undefined;
let installed = false;

/** Loads @lagscale/codecs (msgpackr and three native libraries) and installs its codecs in kafkajs. */
function loadCodecs(): Promise<Record<LazyType, CompressionCodec>> {
  loaded ??= import('@lagscale/codecs').then((codecs) => {
    codecs.registerCompressionCodecs();
    installed = true;
    return { [CompressionTypes.Snappy]: codecs.snappyCompression, [CompressionTypes.LZ4]: codecs.lz4Compression, [CompressionTypes.ZSTD]: codecs.zstdCompression };
  });
  return loaded;
}

function lazyFactory(type: LazyType): () => KafkajsCodec {
  const adapter: KafkajsCodec = {
    compress: async (encoder) => (await loadCodecs())[type].compress(encoder.buffer),
    decompress: async (buffer) => (await loadCodecs())[type].decompress(buffer),
  };
  return () => adapter;
}

const lazyFactories = {
  [CompressionTypes.Snappy]: lazyFactory(CompressionTypes.Snappy),
  [CompressionTypes.LZ4]: lazyFactory(CompressionTypes.LZ4),
  [CompressionTypes.ZSTD]: lazyFactory(CompressionTypes.ZSTD),
} as const;

/**
 * Installs snappy, lz4 and zstd in kafkajs (which ships gzip only) without loading them: the
 * codecs package and its native libraries (~60 ms of CPU and a Rust runtime's threads) load at the
 * first compressed batch, which also installs the codecs themselves. Most topics are never
 * compressed, and a replica's start is time every scale-up waits for (docs/decisions/0026). So a
 * broken install of a native library fails that first batch, with the library's error, rather
 * than the start. Idempotent; once the codecs are loaded it leaves them in place.
 */
export function registerLazyCompressionCodecs(): void {
  if (installed) return;
  CompressionCodecs[CompressionTypes.Snappy] = lazyFactories[CompressionTypes.Snappy];
  CompressionCodecs[CompressionTypes.LZ4] = lazyFactories[CompressionTypes.LZ4];
  CompressionCodecs[CompressionTypes.ZSTD] = lazyFactories[CompressionTypes.ZSTD];
}
