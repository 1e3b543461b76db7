package dev.remotemedia.inference;

import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.PipelineException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Text → IPA phonemes with espeak-ng run as a process (`-q --ipa`), the phonemizer Kokoro's own tools fall back to. */
final class Phonemizer {
    private final String binary = EspeakTtsType.find();
    private final String voice;

    /** @param voice an espeak-ng voice such as en-us or en-gb */
    Phonemizer(String voice) {
        this.voice = voice;
    }

    String phonemes(String text) {
        try {
            // text on stdin, never argv: no argument injection
            Process p = new ProcessBuilder(binary, "-q", "--ipa", "-v", voice, "--stdin").redirectErrorStream(false).start();
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PipelineException(ErrorKind.NodeFailed, null, "espeak-ng phonemizer took longer than 10 s");
            }
            if (p.exitValue() != 0) {
                throw new PipelineException(ErrorKind.NodeFailed, null, "espeak-ng phonemizer failed: "
                        + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
            // one clause per line; ties and stress are kept, Kokoro's vocabulary knows them
            return new String(out, StandardCharsets.UTF_8).replace('\n', ' ').replace("\u0361", "").replaceAll("\\s+", " ").trim();
        } catch (IOException e) {
            throw new PipelineException(ErrorKind.NodeFailed, null, "espeak-ng phonemizer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException(ErrorKind.NodeFailed, null, "interrupted");
        }
    }
}
