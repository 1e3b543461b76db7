package dev.remotemedia.inference;

import dev.remotemedia.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A second class loader (what a dev-mode live reload or a Quarkus test app creates) can open
 * tokenizers too: DJL's native library would otherwise be "already loaded in another classloader".
 */
class TokenizersTest {
    @TempDir
    Path tmp;

    @Test
    void tokenizersWorkInTwoClassLoadersOfOneJvm() throws Exception {
        Path json = TinyModels.whisper(tmp.resolve("w"), TinyModels.ENGLISH).resolve("tokenizer.json");
        URL[] classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> {
                    try {
                        return Path.of(p).toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                }).toArray(URL[]::new);
        try (URLClassLoader other = new URLClassLoader(classpath, ClassLoader.getPlatformClassLoader())) {
            for (ClassLoader loader : new ClassLoader[]{other, getClass().getClassLoader()}) {
                Class<?> tokenizers = Class.forName("dev.remotemedia.inference.Tokenizers", true, loader);
                Method open = tokenizers.getDeclaredMethod("open", Path.class);
                open.setAccessible(true);
                try (AutoCloseable t = (AutoCloseable) open.invoke(null, json)) {
                    Method decode = t.getClass().getMethod("decode", long[].class, boolean.class);
                    assertEquals("Hello world", ((String) decode.invoke(t, new long[]{15496, 995}, true)).trim(),
                            "decoded in " + loader);
                }
            }
        }
    }
}
