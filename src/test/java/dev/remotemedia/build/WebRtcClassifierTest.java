package dev.remotemedia.build;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * webrtc-java's native classifier follows the OS and CPU the build runs on: the pom's
 * OS-activated profiles, evaluated by Maven itself for each developer platform (Maven 3.9 activates
 * OS profiles from -Dos.name / -Dos.arch), and the -Dwebrtc.classifier override still wins.
 */
class WebRtcClassifierTest {
    @Test
    void eachPlatformGetsItsOwnNativeBuild() throws Exception {
        assertEquals("linux-x86_64", classifier("Linux", "amd64"));
        assertEquals("linux-aarch64", classifier("Linux", "aarch64"));
        assertEquals("macos-x86_64", classifier("Mac OS X", "x86_64"));
        assertEquals("macos-aarch64", classifier("Mac OS X", "aarch64"));
        assertEquals("windows-x86_64", classifier("Windows 11", "amd64"));
        assertEquals("linux-aarch64", classifier("Linux", "amd64", "-Dwebrtc.classifier=linux-aarch64"), "the override wins");
    }

    /** What Maven evaluates ${webrtc.classifier} to when it believes it runs on {@code os}/{@code arch}. */
    private static String classifier(String os, String arch, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of("mvnw").toAbsolutePath().toString(), "-q", "-B",
                "help:evaluate", "-Dexpression=webrtc.classifier", "-DforceStdout", "-Dos.name=" + os, "-Dos.arch=" + arch));
        cmd.addAll(List.of(extra));
        Path out = Files.createTempFile("classifier", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "maven did not finish");
        String text = Files.readString(out, StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), text);
        String[] lines = text.split("\\R");
        return lines[lines.length - 1].trim();
    }
}
