package dev.remotemedia.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.onnx.OnnxGraph;
import dev.remotemedia.onnx.OnnxGraph.Attr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Generates tiny models with the exact input/output names, shapes and dtypes of the real Whisper
 * (onnx-community, merged decoder with KV cache) and Kokoro v1.0 exports, built to give known
 * outputs:
 * <ul>
 * <li>Whisper: the encoder is the mean log-mel of every other frame; the decoder's logits pick the
 *   token at position (past length + index) from one of two tables — "Hello world from RemoteMedia."
 *   when the window is louder than silence, "." with the no-speech token most likely at the start
 *   when it is silent. A decoding loop that loses the KV cache, the prompt or the batch order spells nonsense.</li>
 * <li>Kokoro: the waveform is each input id × style[0] × speed, repeated 300 samples per id, and
 *   the voice file's row r has style[0] = (r + 1) / 1000, so the row choice shows in the output.</li>
 * </ul>
 * {@code main(dir)} writes them for `bench stt|tts`.
 */
public final class TinyModels {
    public static final String TEXT = "Hello world from RemoteMedia.";
    public static final int SAMPLES_PER_TOKEN = 300;
    /** Kokoro test vocabulary: ids in order of these code points. */
    public static final String KOKORO_SYMBOLS = "$;:,.!?—… abcdefghijklmnopqrstuvwxyz"
            + "ɑɐɒæβɔɕçðʤəɚɛɜɟɡɥɨɪʝɯɰŋɳɲɴøɸθœɹɾɻʁɽʂʃʈʧʊʋʌɣɤχʎʒʔˈˌːʰʲ↓↑→↗↘ᵻ";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Integer> TEXT_TOKENS = Map.of("Hello", 15496, "Ġworld", 995, "Ġfrom", 422,
            "ĠRemote", 21520, "Media", 13152, ".", 13, "Ġ", 220);
    private static final long[] TEXT_IDS = {15496, 995, 422, 21520, 13152, 13};
    private static final int D = 8, HEADS = 2, HEAD_DIM = 4, LAYERS = 2, POSITIONS = 448;

    private TinyModels() {}

    /** Token ids of a Whisper variant: English-only (tiny.en numbering) or multilingual (v3 numbering, 128 mel bins). */
    public record WhisperIds(int eot, int sot, int noSpeech, int noTimestamps, int vocab, int melBins,
                             Map<String, Integer> langs, int transcribe, int translate) {
        public boolean multilingual() { return !langs.isEmpty(); }

        /** Where the first text token is predicted: after [sot, notimestamps] or [sot, lang, task, notimestamps]. */
        int firstTextPosition() { return multilingual() ? 3 : 1; }
    }

    public static final WhisperIds ENGLISH = new WhisperIds(50256, 50257, 50361, 50362, 51864, 80, Map.of(), -1, -1);
    public static final WhisperIds MULTILINGUAL = new WhisperIds(50257, 50258, 50363, 50364, 51866, 128,
            Map.of("en", 50259, "de", 50261), 50360, 50359);

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "target/tiny-models");
        whisper(root.resolve("whisper-tiny-test"), ENGLISH);
        kokoro(root.resolve("kokoro-tiny-test"));
        System.out.println("tiny models written to " + root.toAbsolutePath());
    }

    public static Path whisper(Path dir, WhisperIds ids) throws IOException {
        Files.createDirectories(dir.resolve("onnx"));
        Files.write(dir.resolve("onnx/encoder_model.onnx"), whisperEncoder(ids.melBins()));
        Files.write(dir.resolve("onnx/decoder_model_merged.onnx"), whisperDecoder(ids));
        ObjectNode config = JSON.createObjectNode().put("num_mel_bins", ids.melBins()).put("d_model", D)
                .put("decoder_attention_heads", HEADS).put("decoder_layers", LAYERS).put("max_target_positions", POSITIONS)
                .put("vocab_size", ids.vocab());
        Files.writeString(dir.resolve("config.json"), config.toPrettyString());
        ObjectNode gen = JSON.createObjectNode().put("decoder_start_token_id", ids.sot()).put("eos_token_id", ids.eot())
                .put("no_timestamps_token_id", ids.noTimestamps()).put("max_length", POSITIONS).put("is_multilingual", ids.multilingual());
        gen.putArray("suppress_tokens").add(1).add(2).add(7);
        gen.putArray("begin_suppress_tokens").add(220).add(ids.eot());
        if (ids.multilingual()) {
            ObjectNode langs = gen.putObject("lang_to_id");
            ids.langs().forEach((k, v) -> langs.put("<|" + k + "|>", v));
            gen.putObject("task_to_id").put("transcribe", ids.transcribe()).put("translate", ids.translate());
        }
        Files.writeString(dir.resolve("generation_config.json"), gen.toPrettyString());
        Files.writeString(dir.resolve("tokenizer.json"), whisperTokenizer(ids).toPrettyString());
        return dir;
    }

    private static byte[] whisperEncoder(int mels) {
        OnnxGraph g = new OnnxGraph("tiny-whisper-encoder");
        g.input("input_features", OnnxGraph.FLOAT, "batch_size", mels, 3000);
        g.output("last_hidden_state", OnnxGraph.FLOAT, "batch_size", 1500, D);
        String sliced = g.op("Slice", List.of("input_features", g.longs(new long[]{1}, 0), g.longs(new long[]{1}, 3000),
                g.longs(new long[]{1}, 2), g.longs(new long[]{1}, 2)));
        String t = g.op("Transpose", List.of(sliced), Attr.ints("perm", 0, 2, 1));
        float[] w = new float[mels * D];
        Arrays.fill(w, 1f / mels);
        g.op("MatMul", List.of(t, g.floats(new long[]{mels, D}, w)), List.of("last_hidden_state"));
        return g.build();
    }

    private static byte[] whisperDecoder(WhisperIds ids) {
        OnnxGraph g = new OnnxGraph("tiny-whisper-decoder-merged");
        g.input("input_ids", OnnxGraph.INT64, "batch_size", "decoder_sequence_length");
        g.input("encoder_hidden_states", OnnxGraph.FLOAT, "batch_size", 1500, D);
        for (int l = 0; l < LAYERS; l++) {
            for (String part : List.of("decoder.key", "decoder.value", "encoder.key", "encoder.value")) {
                g.input("past_key_values." + l + "." + part, OnnxGraph.FLOAT, "batch_size", HEADS,
                        part.startsWith("decoder") ? "past_decoder_sequence_length" : "encoder_sequence_length_out", HEAD_DIM);
            }
        }
        g.input("use_cache_branch", OnnxGraph.BOOL, 1);
        g.output("logits", OnnxGraph.FLOAT, "batch_size", "decoder_sequence_length", ids.vocab());
        // the new self-attention entries: the input ids, broadcast to [batch, heads, seq, head_dim]
        String idsF = g.op("Cast", List.of("input_ids"), Attr.i("to", OnnxGraph.FLOAT));
        String kv4 = g.op("Unsqueeze", List.of(idsF, g.longs(new long[]{2}, 1, 3)));
        String newKv = g.op("Expand", List.of(kv4, g.longs(new long[]{4}, 1, HEADS, 1, HEAD_DIM)));
        String encR = g.op("Reshape", List.of("encoder_hidden_states", g.longs(new long[]{4}, 0, 1500, HEADS, HEAD_DIM)));
        String encT = g.op("Transpose", List.of(encR), Attr.ints("perm", 0, 2, 1, 3));
        for (int l = 0; l < LAYERS; l++) {
            for (String kv : List.of("key", "value")) {
                String present = "present." + l + ".decoder." + kv;
                g.op("Concat", List.of("past_key_values." + l + ".decoder." + kv, newKv), List.of(present), Attr.i("axis", 2));
                g.output(present, OnnxGraph.FLOAT, "batch_size", HEADS, "present_sequence_length", HEAD_DIM);
                String enc = "present." + l + ".encoder." + kv;
                g.op("Identity", List.of(encT), List.of(enc));
                g.output(enc, OnnxGraph.FLOAT, "batch_size", HEADS, "encoder_sequence_length_out", HEAD_DIM);
            }
        }
        // positions = past length (from the cache the caller passed back) + 0..seq-1
        String past = g.op("Shape", List.of("past_key_values.0.decoder.key"), Attr.i("start", 2), Attr.i("end", 3));
        String seq = g.op("Squeeze", List.of(g.op("Shape", List.of("input_ids"), Attr.i("start", 1), Attr.i("end", 2))));
        String range = g.op("Range", List.of(g.longs(new long[]{}, 0), seq, g.longs(new long[]{}, 1)));
        String pos = g.op("Add", List.of(range, past));
        // loud window (mean feature above that of silence, -1.5) → the text table, else the silence table
        String mean = g.op("ReduceMean", List.of("encoder_hidden_states"), Attr.ints("axes", 1, 2), Attr.i("keepdims", 0));
        String loud = g.op("Greater", List.of(g.op("Unsqueeze", List.of(mean, g.longs(new long[]{1}, 1))), g.floats(new long[]{}, -1.0f)));
        long[] speech = new long[POSITIONS];
        long[] silence = new long[POSITIONS];
        Arrays.fill(speech, ids.eot());
        Arrays.fill(silence, ids.eot());
        speech[0] = ids.multilingual() ? ids.langs().get("de") : TEXT_IDS[0];
        silence[0] = ids.noSpeech();
        silence[ids.firstTextPosition()] = 13; // "." — like real Whisper, something is always said: end-of-text may not come first
        System.arraycopy(TEXT_IDS, 0, speech, ids.firstTextPosition(), TEXT_IDS.length);
        String a = g.op("Unsqueeze", List.of(g.op("Gather", List.of(g.longs(new long[]{POSITIONS}, speech), pos)), g.longs(new long[]{1}, 0)));
        String b = g.op("Unsqueeze", List.of(g.op("Gather", List.of(g.longs(new long[]{POSITIONS}, silence), pos)), g.longs(new long[]{1}, 0)));
        String next = g.op("Where", List.of(loud, a, b));
        g.op("OneHot", List.of(next, g.longs(new long[]{}, ids.vocab()), g.floats(new long[]{2}, 0f, 20f)), List.of("logits"), Attr.i("axis", -1));
        return g.build();
    }

    private static ObjectNode whisperTokenizer(WhisperIds ids) {
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        // ids must be dense, as in the real file: tokenizers numbers added tokens after the vocabulary
        Map<Integer, String> specials = new java.util.TreeMap<>();
        specials.put(ids.eot(), "<|endoftext|>");
        specials.put(ids.sot(), "<|startoftranscript|>");
        specials.put(ids.noSpeech(), ids.multilingual() ? "<|nospeech|>" : "<|nocaptions|>");
        specials.put(ids.noTimestamps(), "<|notimestamps|>");
        ids.langs().forEach((k, v) -> specials.put(v, "<|" + k + "|>"));
        if (ids.multilingual()) {
            specials.put(ids.transcribe(), "<|transcribe|>");
            specials.put(ids.translate(), "<|translate|>");
        }
        ArrayNode added = root.putArray("added_tokens");
        for (int id = ids.eot(); id <= ids.noTimestamps(); id++) addSpecial(added, id, specials.getOrDefault(id, "<|extra_" + id + "|>"));
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        Map<Integer, String> byId = new java.util.HashMap<>();
        TEXT_TOKENS.forEach((k, v) -> byId.put(v, k));
        for (int id = 0; id < ids.eot(); id++) vocab.put(byId.getOrDefault(id, id == 0 ? "!" : "~" + id), id);
        model.putArray("merges");
        return root;
    }

    private static void addSpecial(ArrayNode added, int id, String content) {
        added.addObject().put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
    }

    public static Path kokoro(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("onnx"));
        Files.createDirectories(dir.resolve("voices"));
        OnnxGraph g = new OnnxGraph("tiny-kokoro");
        g.input("input_ids", OnnxGraph.INT64, 1, "sequence_length");
        g.input("style", OnnxGraph.FLOAT, 1, 256);
        g.input("speed", OnnxGraph.FLOAT, 1);
        g.output("waveform", OnnxGraph.FLOAT, 1, "num_samples");
        String x = g.op("Cast", List.of("input_ids"), Attr.i("to", OnnxGraph.FLOAT));
        String s0 = g.op("Slice", List.of("style", g.longs(new long[]{1}, 0), g.longs(new long[]{1}, 1), g.longs(new long[]{1}, 1)));
        String scaled = g.op("Mul", List.of(g.op("Mul", List.of(x, s0)), "speed"));
        String tiled = g.op("Tile", List.of(g.op("Unsqueeze", List.of(scaled, g.longs(new long[]{1}, 2))), g.longs(new long[]{3}, 1, 1, SAMPLES_PER_TOKEN)));
        g.op("Reshape", List.of(tiled, g.longs(new long[]{2}, 1, -1)), List.of("waveform"));
        Files.write(dir.resolve("onnx/model.onnx"), g.build());

        ObjectNode tok = JSON.createObjectNode();
        ObjectNode vocab = tok.putObject("model").putObject("vocab");
        int[] cps = KOKORO_SYMBOLS.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) vocab.put(new String(Character.toChars(cps[i])), i);
        Files.writeString(dir.resolve("tokenizer.json"), tok.toPrettyString());
        ByteBuffer voice = ByteBuffer.allocate(510 * 256 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < 510; r++) {
            voice.putFloat((r + 1) / 1000f);
            for (int k = 1; k < 256; k++) voice.putFloat(0f);
        }
        Files.write(dir.resolve("voices/af_heart.bin"), voice.array());
        return dir;
    }

    /** Kokoro test id of one phoneme code point, or -1. */
    public static int kokoroId(int codePoint) {
        int[] cps = KOKORO_SYMBOLS.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) if (cps[i] == codePoint) return i;
        return -1;
    }
}
