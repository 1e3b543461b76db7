package dev.remotemedia.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** `deploy --terraform [--var-file F] [--yes]`: init, plan (shown), then apply the saved plan. */
@Command(name = "deploy", description = "Deploy to AWS ECS with deploy/terraform: shows the plan, then applies it.")
final class DeployCommand implements Callable<Integer> {
    @Option(names = "--terraform", required = true, description = "Use the Terraform module (the ECS deployment).") boolean terraform;
    @Mixin TerraformOptions tf;
    @Mixin DebugOption debug;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shell shell = new Shell(spec.commandLine().getOut(), tf.dryRun, Path.of("."));
        if (!tf.dryRun && Shell.which("terraform") == null) throw new IllegalArgumentException("terraform is not installed (1.5 or newer)");
        String dir = "-chdir=" + TerraformOutputs.DIR;
        shell.run(List.of("terraform", dir, "init", "-input=false"));
        List<String> plan = new ArrayList<>(List.of("terraform", dir, "plan", "-input=false", "-out=tfplan"));
        plan.addAll(tf.varFileArgs());
        shell.run(plan);
        if (!tf.yes && !tf.dryRun) {
            spec.commandLine().getOut().print("Apply this plan? [y/N] ");
            spec.commandLine().getOut().flush();
            String answer = System.console() != null ? System.console().readLine() : new java.util.Scanner(System.in).nextLine();
            if (!answer.trim().equalsIgnoreCase("y")) {
                spec.commandLine().getOut().println("not applied");
                return 1;
            }
        }
        shell.run(List.of("terraform", dir, "apply", "-input=false", "tfplan"));
        return 0;
    }
}
