package com.example.playground.clickcount.connectors.kinesis;

import java.util.List;
import java.util.Set;

/**
 * Checkpointed state of the enumerator.
 *
 * @param assignedShardIds shards handed to a reader (their progress lives in the readers' state)
 * @param pendingSplits shards discovered or returned but not yet assigned
 */
public record KinesisEnumeratorState(Set<String> assignedShardIds, List<KinesisShardSplit> pendingSplits) {

    public KinesisEnumeratorState {
        assignedShardIds = Set.copyOf(assignedShardIds);
        pendingSplits = List.copyOf(pendingSplits);
    }
}
