package dev.remotemedia.grpc;

import dev.remotemedia.pipeline.PipelineConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The local role serves {@code PipelineService} only when asked ({@code remotemedia.grpc.serve},
 * on in dev so that `quarkus dev` is its own remote): otherwise every call gets UNAVAILABLE naming
 * the role, so a misdirected client fails over at once instead of loading models on an edge box.
 */
@GlobalInterceptor
@Priority(100) // before the token check: the answer is the same with or without a token
@ApplicationScoped
public class RoleInterceptor implements ServerInterceptor {
    static final String SERVICE = "remotemedia.v1.PipelineService";

    @Inject
    GrpcConfig config;

    @Inject
    PipelineConfig pipeline;

    /** Whether this instance serves PipelineService: gpu always unless told otherwise, local only when asked. */
    static boolean serves(GrpcConfig config, PipelineConfig pipeline) {
        return config.serve().orElse("gpu".equals(pipeline.role()));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (SERVICE.equals(call.getMethodDescriptor().getServiceName()) && !serves(config, pipeline)) {
            String why = "this instance runs the " + pipeline.role() + " role and does not serve "
                    + SERVICE + " (remotemedia.grpc.serve=false); send segments to gpu-role workers";
            call.close(Status.UNAVAILABLE.withDescription(why),
                    ErrorDetails.trailers(Status.UNAVAILABLE, dev.remotemedia.pipeline.ErrorKind.Unavailable, why));
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
