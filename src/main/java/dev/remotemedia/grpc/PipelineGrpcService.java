package dev.remotemedia.grpc;

import com.google.protobuf.Struct;
import dev.remotemedia.grpc.v1.Capacity;
import dev.remotemedia.grpc.v1.DescribeRequest;
import dev.remotemedia.grpc.v1.DescribeResponse;
import dev.remotemedia.grpc.v1.ExecuteRequest;
import dev.remotemedia.grpc.v1.ExecuteResponse;
import dev.remotemedia.grpc.v1.NodeTypeInfo;
import dev.remotemedia.grpc.v1.PipelineService;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.pipeline.NodeTypeJson;
import dev.remotemedia.pipeline.PipelineConfig;
import dev.remotemedia.pipeline.PipelineEngine;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/** The gRPC {@code remotemedia.v1.PipelineService}, served by both roles. */
@GrpcService
public class PipelineGrpcService implements PipelineService {
    @Inject
    PipelineEngine engine;

    @Inject
    PipelineConfig config;

    @Override
    public Uni<DescribeResponse> describe(DescribeRequest request) {
        DescribeResponse.Builder b = DescribeResponse.newBuilder()
                .setVersion(String.valueOf(PipelineGrpcService.class.getPackage().getImplementationVersion()))
                .setRole(config.role())
                .setServerId(ServerIdentity.id())
                .setCapacity(Capacity.newBuilder().build());
        engine.registry().all().forEach(t -> b.addNodeTypes(NodeTypeInfo.newBuilder().setName(t.name())
                .setDescription(t.description()).setParams(FrameCodec.struct(NodeTypeJson.schema(t.params())))));
        return Uni.createFrom().item(b.build());
    }

    @Override
    public Uni<ExecuteResponse> execute(ExecuteRequest request) {
        return Uni.createFrom().failure(Status.UNIMPLEMENTED.withDescription("Execute arrives with remote execution").asRuntimeException());
    }

    @Override
    public Multi<StreamResponse> stream(Multi<StreamRequest> request) {
        return Multi.createFrom().failure(Status.UNIMPLEMENTED.withDescription("Stream arrives with remote execution").asRuntimeException());
    }
}
