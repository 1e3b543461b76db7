package dev.remotemedia.grpc;

import dev.remotemedia.grpc.v1.DescribeRequest;
import dev.remotemedia.grpc.v1.DescribeResponse;
import dev.remotemedia.grpc.v1.ExecuteRequest;
import dev.remotemedia.grpc.v1.ExecuteResponse;
import dev.remotemedia.grpc.v1.PipelineService;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/** The gRPC {@code remotemedia.v1.PipelineService}, served by both roles; the work is in {@link StreamHandler}. */
@GrpcService
public class PipelineGrpcService implements PipelineService {
    @Inject
    StreamHandler handler;

    @Override
    public Uni<DescribeResponse> describe(DescribeRequest request) {
        return Uni.createFrom().item(() -> handler.describe(PipelineGrpcService.class.getPackage().getImplementationVersion(), request.getOmitNodeTypes()));
    }

    @Override
    public Uni<dev.remotemedia.grpc.v1.ReadyResponse> ready(dev.remotemedia.grpc.v1.ReadyRequest request) {
        return handler.ready();
    }

    @Override
    public Uni<ExecuteResponse> execute(ExecuteRequest request) {
        return handler.execute(request);
    }

    @Override
    public Multi<StreamResponse> stream(Multi<StreamRequest> request) {
        return handler.stream(request);
    }
}
