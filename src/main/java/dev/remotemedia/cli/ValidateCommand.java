package dev.remotemedia.cli;

import dev.remotemedia.manifest.ManifestException;
import dev.remotemedia.pipeline.PipelineEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `validate FILE...`: exit 0 when all are valid, 1 when any is invalid (every error on stderr), 2 on usage errors. */
@Command(name = "validate", description = "Validate manifests (JSON or YAML); print every error with its place.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Option(names = "--deep", description = "Also build each pipeline here: load its models and check manifests against them "
            + "(OnnxModel tensors, Whisper/Kokoro files); needs the models at hand.")
    boolean deep;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int invalid = 0;
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            for (Path file : files) {
                try {
                    var m = engine.load(file);
                    if (deep) engine.open(m, "validate").close(); // node construction loads models and checks them
                    spec.commandLine().getOut().printf("%s: valid (%d node(s))%s%n", file, m.nodes().size(), deep ? ", models loaded and checked" : "");
                } catch (dev.remotemedia.pipeline.PipelineException e) {
                    invalid++;
                    spec.commandLine().getErr().printf("%s: invalid (--deep): %s%n  %s%n", file, e.kind(), e.getMessage());
                } catch (ManifestException e) {
                    invalid++;
                    var err = spec.commandLine().getErr();
                    err.printf("%s: invalid, %d error(s)%n", file, e.errors().size());
                    e.errors().forEach(line -> err.println("  " + line));
                }
            }
        }
        return invalid == 0 ? 0 : 1;
    }
}
