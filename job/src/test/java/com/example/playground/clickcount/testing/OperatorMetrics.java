package com.example.playground.clickcount.testing;

import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** Reads operator counters of a MiniCluster job from an {@link InMemoryReporter}. */
public final class OperatorMetrics {

    private OperatorMetrics() {}

    /**
     * The sum over all subtasks (and task attempts) of the counter {@code metric} of the operator
     * named {@code operator} (as given with {@code .name(…)}), in its group or a subgroup of it.
     */
    public static long sum(InMemoryReporter reporter, JobID job, String operator, String metric) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : reporter.getMetricsByGroup().entrySet()) {
            Map<String, String> variables = group.getKey().getAllVariables();
            if (job.toString().equals(variables.get("<job_id>"))
                    && operator.equals(variables.get("<operator_name>"))
                    && group.getValue().get(metric) instanceof Counter counter) {
                sum += counter.getCount();
            }
        }
        return sum;
    }
}
