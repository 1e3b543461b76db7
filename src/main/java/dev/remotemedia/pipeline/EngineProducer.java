package dev.remotemedia.pipeline;

import dev.remotemedia.inference.ModelStore;
import dev.remotemedia.inference.ModelsConfig;
import dev.remotemedia.manifest.VariableSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.ConfigProvider;

/** Exposes one {@link PipelineEngine} to the server; `${VAR}`s resolve through MicroProfile Config (env included). */
@ApplicationScoped
public class EngineProducer {
    @Produces
    @ApplicationScoped
    PipelineEngine engine(PipelineConfig config, ModelsConfig models) {
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        int workers = config.pipeline().workerThreads() > 0 ? config.pipeline().workerThreads() : cores;
        int blocking = config.pipeline().blockingThreads() > 0 ? config.pipeline().blockingThreads() : cores;
        VariableSource vars = name -> ConfigProvider.getConfig().getOptionalValue(name, String.class);
        PipelineEngine engine = new PipelineEngine(NodeTypeRegistry.load(), vars, new MediaThreads(workers, blocking));
        engine.shared().put(ModelStore.KEY, ModelStore.of(models)); // heavy nodes find their models through remotemedia.models.*
        return engine;
    }

    void close(@Disposes PipelineEngine engine) {
        engine.close();
    }
}
