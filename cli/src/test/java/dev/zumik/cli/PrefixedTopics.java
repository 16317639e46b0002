package dev.zumik.cli;

import dev.zumik.localstack.LocalStack;
import dev.zumik.schemas.topics.Topics;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/** Every Zumik topic under a fresh prefix, created on the stack, so that an IT sees only its own records. */
record PrefixedTopics(String prefix, Topics topics) {

    static PrefixedTopics create(final LocalStack stack, final String name, final int shapePartitions) throws Exception {
        final String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        final Topics topics = Topics.create(stack.registryClient(), shapePartitions, prefix);
        try (Admin admin = Admin.create(stack.clientProperties())) {
            TopicsCommand.createAll(admin, topics, Optional.empty(), stack.registryClient());
        }
        return new PrefixedTopics(prefix, topics);
    }
}
