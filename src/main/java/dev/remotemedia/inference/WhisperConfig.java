package dev.remotemedia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.PipelineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What decoding needs from a Whisper export's config.json, generation_config.json and
 * tokenizer.json: mel bins, decoder shape, special token ids, languages and suppressed tokens.
 */
record WhisperConfig(int melBins, int decoderLayers, int decoderHeads, int headDim, int maxTargetPositions,
                     int sot, int eot, int noTimestamps, int noSpeech, int transcribe, int translate,
                     Map<String, Integer> languages, Set<Integer> suppress, Set<Integer> beginSuppress,
                     boolean multilingual) {

    static WhisperConfig load(Path dir) {
        JsonNode config = read(dir, "config.json");
        JsonNode gen = read(dir, "generation_config.json");
        Map<String, Integer> added = new HashMap<>();
        for (JsonNode t : read(dir, "tokenizer.json").path("added_tokens")) added.put(t.path("content").asText(), t.path("id").asInt());

        int dModel = config.path("d_model").asInt(384);
        int heads = config.path("decoder_attention_heads").asInt(6);
        int eot = gen.path("eos_token_id").asInt(added.getOrDefault("<|endoftext|>", 50256));
        int sot = gen.path("decoder_start_token_id").asInt(added.getOrDefault("<|startoftranscript|>", 50257));
        int noTs = gen.path("no_timestamps_token_id").asInt(added.getOrDefault("<|notimestamps|>", -1));
        int noSpeech = added.getOrDefault("<|nospeech|>", added.getOrDefault("<|nocaptions|>", -1));
        Map<String, Integer> langs = new LinkedHashMap<>();
        gen.path("lang_to_id").fields().forEachRemaining(e -> langs.put(stripToken(e.getKey()), e.getValue().asInt()));
        int transcribe = gen.path("task_to_id").path("transcribe").asInt(added.getOrDefault("<|transcribe|>", -1));
        int translate = gen.path("task_to_id").path("translate").asInt(added.getOrDefault("<|translate|>", -1));
        boolean multilingual = gen.path("is_multilingual").asBoolean(!langs.isEmpty());
        return new WhisperConfig(config.path("num_mel_bins").asInt(80), config.path("decoder_layers").asInt(4), heads,
                dModel / heads, config.path("max_target_positions").asInt(448), sot, eot, noTs, noSpeech, transcribe, translate,
                langs, ids(gen.path("suppress_tokens")), ids(gen.path("begin_suppress_tokens")), multilingual);
    }

    /** First token after the prompt that is a timestamp (all of them are suppressed: no-timestamps decoding). */
    int timestampBegin() { return noTimestamps < 0 ? Integer.MAX_VALUE : noTimestamps + 1; }

    private static String stripToken(String t) {
        return t.startsWith("<|") && t.endsWith("|>") ? t.substring(2, t.length() - 2) : t;
    }

    private static Set<Integer> ids(JsonNode array) {
        Set<Integer> out = new HashSet<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static JsonNode read(Path dir, String name) {
        Path p = dir.resolve(name);
        try {
            if (!Files.isRegularFile(p)) throw new IOException("missing");
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new PipelineException(ErrorKind.ModelUnavailable, null, "Whisper model " + dir + ": " + name + " " + e.getMessage()
                    + " (a Whisper export needs encoder_model.onnx, decoder_model_merged.onnx, tokenizer.json, config.json, generation_config.json)");
        }
    }
}
