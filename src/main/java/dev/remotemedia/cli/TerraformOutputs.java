package dev.remotemedia.cli;

import java.nio.file.Path;
import java.util.List;

/** Reads outputs of deploy/terraform (ECR repository, manifest bucket) so commands need no copy-pasting. */
final class TerraformOutputs {
    static final Path DIR = Path.of("deploy", "terraform");

    private TerraformOutputs() {}

    static String get(Shell shell, String name, String flag) {
        if (Shell.which("terraform") == null) {
            throw new IllegalArgumentException("give " + flag + ", or install terraform and deploy first (the value comes from `terraform output " + name + "`)");
        }
        try {
            return shell.capture(List.of("terraform", "-chdir=" + DIR, "output", "-raw", name));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read terraform output " + name + " (deployed yet?); give " + flag + " instead");
        }
    }
}
