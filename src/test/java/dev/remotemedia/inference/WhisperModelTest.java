package dev.remotemedia.inference;

import dev.remotemedia.testing.Signals;
import dev.remotemedia.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real front end, decoding loop, KV-cache plumbing and tokenizer on generated Whisper-shaped models. */
class WhisperModelTest {
    @TempDir
    Path tmp;

    @Test
    void englishModelSpellsTheTextForSpeechAndNothingForSilence() throws Exception {
        Path dir = TinyModels.whisper(tmp.resolve("en"), TinyModels.ENGLISH);
        try (WhisperModel m = WhisperModel.load(dir, "cpu", 1)) {
            float[] tone = Signals.sine(440, 16000, 2.0, 0.5);
            float[] silence = new float[16000 * 2];
            // one batch, speech and silence interleaved: rows must not mix
            List<WhisperModel.Transcript> out = m.transcribe(List.of(tone, silence, tone), null, "transcribe", 100);
            assertEquals(TinyModels.TEXT, out.get(0).text());
            assertEquals(".", out.get(1).text()); // end-of-text is suppressed as the first token, as in Whisper
            assertEquals(TinyModels.TEXT, out.get(2).text());
            assertEquals("en", out.get(0).language());
            assertEquals(6, out.get(0).tokens());
            assertTrue(out.get(1).noSpeechProb() > 0.99, "silence no-speech prob " + out.get(1).noSpeechProb());
            assertTrue(out.get(0).noSpeechProb() < 0.01, "speech no-speech prob " + out.get(0).noSpeechProb());
            assertTrue(out.get(0).avgLogprob() > -0.01 && out.get(0).avgLogprob() <= 0, "avg logprob " + out.get(0).avgLogprob());
        }
    }

    @Test
    void multilingualModelDetectsTheLanguageOrTakesTheGivenOne() throws Exception {
        Path dir = TinyModels.whisper(tmp.resolve("ml"), TinyModels.MULTILINGUAL);
        try (WhisperModel m = WhisperModel.load(dir, "auto", 1)) {
            float[] tone = Signals.sine(300, 16000, 1.5, 0.5);
            WhisperModel.Transcript detected = m.transcribe(List.of(tone), null, "transcribe", 100).get(0);
            assertEquals("de", detected.language());
            assertEquals(TinyModels.TEXT, detected.text());
            WhisperModel.Transcript given = m.transcribe(List.of(tone), "en", "transcribe", 100).get(0);
            assertEquals("en", given.language());
            assertEquals(TinyModels.TEXT, given.text());
        }
    }

    @Test
    void maxNewTokensCutsTheText() throws Exception {
        Path dir = TinyModels.whisper(tmp.resolve("en"), TinyModels.ENGLISH);
        try (WhisperModel m = WhisperModel.load(dir, "cpu", 1)) {
            WhisperModel.Transcript t = m.transcribe(List.of(Signals.sine(440, 16000, 1, 0.5)), null, "transcribe", 2).get(0);
            assertEquals("Hello world", t.text());
        }
    }
}
