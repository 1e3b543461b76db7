package dev.remotemedia.inference;

import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every catalogue entry's file layout loads in our loader: a folder holding exactly the files the
 * entry pulls (generated models renamed to the entry's names — fp16 names for large-v3-turbo) must
 * open with variant auto, and a variant the folder lacks is refused naming what it has.
 */
class CatalogLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void eachCatalogueEntryLoadsFromExactlyTheFilesItPulls() throws Exception {
        int checked = 0;
        for (ModelCatalog.Entry e : ModelCatalog.bundled().entries()) {
            Path generated = e.kind().equals("whisper")
                    ? TinyModels.whisper(tmp.resolve("gen-" + e.name()), e.name().endsWith(".en") ? TinyModels.ENGLISH : TinyModels.MULTILINGUAL)
                    : TinyModels.kokoro(tmp.resolve("gen-" + e.name()));
            Path folder = tmp.resolve(e.name());
            for (String file : e.files()) { // the entry's names, filled with the generated model of that role
                Path target = folder.resolve(file);
                Files.createDirectories(target.getParent());
                Path from = generated.resolve(source(file));
                if (Files.exists(from)) Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
                else Files.writeString(target, "{}"); // pulled but not read by our loader (Kokoro's config.json)
            }
            if (e.kind().equals("whisper")) {
                try (WhisperModel m = WhisperModel.load(folder, "cpu", 1)) {
                    assertTrue(m.melBins() == 80 || m.melBins() == 128, e.name());
                }
            } else {
                try (KokoroModel m = KokoroModel.load(folder, "cpu", 1)) {
                    assertTrue(m != null, e.name());
                }
            }
            checked++;
        }
        assertEquals(ModelCatalog.bundled().entries().size(), checked);
        assertTrue(checked >= 5, "the catalogue has its five models");
    }

    @Test
    void aVariantTheFolderLacksIsRefusedNamingWhatItHas() throws Exception {
        Path gen = TinyModels.whisper(tmp.resolve("gen"), TinyModels.MULTILINGUAL);
        Path fp16 = tmp.resolve("turbo");
        Files.createDirectories(fp16.resolve("onnx"));
        for (String f : new String[] {"tokenizer.json", "config.json", "generation_config.json"}) Files.copy(gen.resolve(f), fp16.resolve(f));
        Files.copy(gen.resolve("onnx/encoder_model.onnx"), fp16.resolve("onnx/encoder_model_fp16.onnx"));
        Files.copy(gen.resolve("onnx/decoder_model_merged.onnx"), fp16.resolve("onnx/decoder_model_merged_fp16.onnx"));
        try (WhisperModel m = WhisperModel.load(fp16, "cpu", 1, "fp16")) {
            assertEquals(128, m.melBins(), "from config.json");
        }
        var e = assertThrows(PipelineException.class, () -> WhisperModel.load(fp16, "cpu", 1, "fp32"));
        assertTrue(e.getMessage().contains("has no encoder_model.onnx (variant fp32)") && e.getMessage().contains("encoder_model_fp16.onnx")
                && e.getMessage().contains("set the node's variant"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("no-onnx"));
        for (String f : new String[] {"tokenizer.json", "config.json", "generation_config.json"}) Files.copy(gen.resolve(f), empty.resolve(f));
        var none = assertThrows(PipelineException.class, () -> WhisperModel.load(empty, "cpu", 1));
        assertTrue(none.getMessage().contains("nor any of its variants"), none.getMessage());
    }

    /** The generated file that plays the role of a catalogue file name. */
    private static String source(String file) {
        if (file.startsWith("onnx/encoder_model")) return "onnx/encoder_model.onnx";
        if (file.startsWith("onnx/decoder_model_merged")) return "onnx/decoder_model_merged.onnx";
        if (file.startsWith("onnx/model")) return "onnx/model.onnx";
        if (file.startsWith("voices/")) return "voices/af_heart.bin";
        return file;
    }
}
