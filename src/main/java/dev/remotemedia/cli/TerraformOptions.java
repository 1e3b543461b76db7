package dev.remotemedia.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options shared by `deploy --terraform` and `destroy`. */
final class TerraformOptions {
    @Option(names = "--var-file", paramLabel = "F", description = "Terraform variables (see terraform.tfvars.example).")
    Path varFile;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Option(names = "--dry-run", description = "Print the commands instead of running them.")
    boolean dryRun;

    /** The -var-file argument, if any, appended to a terraform command. */
    List<String> varFileArgs() {
        return varFile == null ? List.of() : List.of("-var-file=" + varFile.toAbsolutePath());
    }
}
