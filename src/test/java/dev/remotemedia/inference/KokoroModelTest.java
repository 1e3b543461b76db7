package dev.remotemedia.inference;

import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.testing.TinyModels;
import dev.remotemedia.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kokoro's I/O on a generated model: phoneme ids in, the voice row by token count, speed, 24 kHz out. */
class KokoroModelTest {
    @TempDir
    Path tmp;

    @Test
    void synthesizesTheKnownWaveformWithTheRightStyleRow() throws Exception {
        Path dir = TinyModels.kokoro(tmp.resolve("k"));
        try (KokoroModel m = KokoroModel.load(dir, "cpu", 1)) {
            long[] ids = m.tokenize("həlˈoʊ");
            assertEquals("həlˈoʊ".codePointCount(0, "həlˈoʊ".length()), ids.length);
            assertEquals(TinyModels.kokoroId('h'), ids[0]);
            float[] wave = m.synthesize(ids, "af_heart", 1.5f);
            assertEquals((ids.length + 2) * TinyModels.SAMPLES_PER_TOKEN, wave.length, "pads + tokens, 300 samples each");
            assertEquals(0f, wave[0], 0, "leading pad id 0");
            float style0 = (ids.length + 1) / 1000f; // voice row = token count
            assertEquals(ids[0] * style0 * 1.5f, wave[TinyModels.SAMPLES_PER_TOKEN], 1e-5);
            assertEquals(ids[3] * style0 * 1.5f, wave[4 * TinyModels.SAMPLES_PER_TOKEN + 7], 1e-5);
        }
    }

    @Test
    void unknownSymbolsAreDroppedAndUnknownVoicesNamed() throws Exception {
        Path dir = TinyModels.kokoro(tmp.resolve("k"));
        try (KokoroModel m = KokoroModel.load(dir, "cpu", 1)) {
            assertEquals(2, m.tokenize("a\u4e2db").length);
            PipelineException e = assertThrows(PipelineException.class, () -> m.requireVoice("zz_nobody"));
            assertTrue(e.getMessage().contains("zz_nobody") && e.getMessage().contains("af_heart"), e.getMessage());
            assertThrows(PipelineException.class, () -> m.requireVoice("../../etc/passwd"));
        }
    }

    @Test
    void phonemizerGivesIpaThatTheVocabularyCovers() throws Exception {
        Tools.require("espeak-ng", "espeak-ng");
        String ipa = new Phonemizer("en-us").phonemes("Hello world");
        assertTrue(ipa.contains("ˈ") && ipa.contains("w"), ipa);
        Path dir = TinyModels.kokoro(tmp.resolve("k"));
        try (KokoroModel m = KokoroModel.load(dir, "cpu", 1)) {
            assertTrue(m.tokenize(ipa).length >= ipa.replace(" ", "").length() - 2, ipa + " mostly in the vocabulary");
        }
        assertEquals(List.of("One.", "Two!", "Three?", "yes"), KokoroTtsType.sentences(" One. Two!  Three? yes "));
    }
}
