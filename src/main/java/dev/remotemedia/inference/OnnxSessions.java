package dev.remotemedia.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.PipelineException;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens ONNX Runtime sessions on the chosen device. `auto` takes CUDA when the GPU build of ONNX
 * Runtime and the CUDA 12 / cuDNN 9 libraries are present, else CPU with one warning per process;
 * `cuda` refuses to fall back (a GPU worker that silently runs on CPU is an outage in disguise).
 */
public final class OnnxSessions {
    private static final Logger LOG = Logger.getLogger(OnnxSessions.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** A session and the device it really runs on. */
    public record Opened(OrtSession session, String device) {}

    private static volatile OrtEnvironment environment;

    private OnnxSessions() {}

    /**
     * The process's ONNX Runtime environment, created on a thread with a 16 MB stack: loading
     * the native library and creating the environment overflowed a default 1 MB Java stack on some
     * class paths (a silent SIGSEGV, no hs_err file; `bench video` from the Maven class path). Every
     * model goes through here first, so whichever thread loads a model first is safe.
     */
    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env != null) return env;
        synchronized (OnnxSessions.class) {
            if (environment == null) {
                OrtEnvironment[] created = new OrtEnvironment[1];
                RuntimeException[] failed = new RuntimeException[1];
                Thread init = new Thread(null, () -> {
                    try {
                        created[0] = OrtEnvironment.getEnvironment();
                    } catch (RuntimeException | LinkageError e) {
                        failed[0] = new IllegalStateException("ONNX Runtime cannot start: " + e, e);
                    }
                }, "onnxruntime-init", 16L << 20);
                init.start();
                try {
                    init.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while ONNX Runtime started", e);
                }
                if (failed[0] != null) throw failed[0];
                environment = created[0];
            }
            return environment;
        }
    }

    public static Opened open(Path model, String device, int intraOpThreads) {
        String wanted = device == null || device.isBlank() ? "auto" : device;
        if (!wanted.equals("auto") && !wanted.equals("cuda") && !wanted.equals("cpu")) {
            throw new PipelineException(ErrorKind.ModelUnavailable, null, "device must be auto, cuda or cpu, got \"" + device + "\"");
        }
        OrtEnvironment env = environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            String used = "cpu";
            if (!wanted.equals("cpu")) {
                String why = cudaUnavailableReason();
                if (why == null) {
                    try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(0)) {
                        options.addCUDA(cuda);
                        used = "cuda";
                    } catch (OrtException | UnsatisfiedLinkError e) {
                        why = "the CUDA provider did not load (" + e.getMessage() + "; CUDA 12 and cuDNN 9 libraries needed)";
                    }
                }
                if (why != null) {
                    if (wanted.equals("cuda")) throw new PipelineException(ErrorKind.ModelUnavailable, null, "device cuda: " + why);
                    if (WARNED.compareAndSet(false, true)) LOG.warnf("device auto: running ONNX models on CPU: %s", why);
                }
            }
            OrtSession session = env.createSession(model.toString(), options);
            return new Opened(session, used);
        } catch (OrtException e) {
            throw new PipelineException(ErrorKind.ModelUnavailable, null, "could not load " + model + ": " + e.getMessage());
        }
    }

    /** Null when the CUDA provider is compiled in; else why not. */
    static String cudaUnavailableReason() {
        EnumSet<ai.onnxruntime.OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        if (!providers.contains(ai.onnxruntime.OrtProvider.CUDA)) {
            return "this build has the CPU ONNX Runtime (build with -Pgpu for onnxruntime_gpu)";
        }
        return null;
    }
}
