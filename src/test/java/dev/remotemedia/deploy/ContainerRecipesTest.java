package dev.remotemedia.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Dockerfiles ask of the build exists in the pom (a native image cannot be built here: no GraalVM/Mandrel). */
class ContainerRecipesTest {
    @Test
    void dockerfileNativeBuildsWithAProfileThePomDefines() throws Exception {
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.native"));
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(dockerfile.contains("package -DskipTests -Dnative"), "Dockerfile.native builds with -Dnative");
        int profile = pom.indexOf("<id>native</id>");
        assertTrue(profile > 0, "the pom defines a native profile");
        String block = pom.substring(profile, pom.indexOf("</profile>", profile));
        assertTrue(block.contains("<activation><property><name>native</name></property></activation>"), "activated by -Dnative: " + block);
        assertTrue(block.contains("<quarkus.native.enabled>true</quarkus.native.enabled>"), "and builds a native executable: " + block);
        assertTrue(!dockerfile.matches("(?s).*FROM [a-z0-9.-]+\\.(io|com|aws)/.*"), "base images are build args, not a registry host");
    }
}
