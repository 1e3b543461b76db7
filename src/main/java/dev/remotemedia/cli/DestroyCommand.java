package dev.remotemedia.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** `destroy [--var-file F] [--yes]`: terraform destroy of the ECS deployment. */
@Command(name = "destroy", description = "Remove the AWS deployment made by `deploy --terraform`.")
final class DestroyCommand implements Callable<Integer> {
    @Mixin TerraformOptions tf;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shell shell = new Shell(spec.commandLine().getOut(), tf.dryRun, Path.of("."));
        List<String> cmd = new ArrayList<>(List.of("terraform", "-chdir=" + TerraformOutputs.DIR, "destroy", "-input=false"));
        cmd.addAll(tf.varFileArgs());
        if (tf.yes) cmd.add("-auto-approve");
        shell.run(cmd);
        return 0;
    }
}
