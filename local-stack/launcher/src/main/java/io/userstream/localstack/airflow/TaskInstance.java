package io.userstream.localstack.airflow;

/**
 * One task of a DAG run as Airflow's REST API reports it.
 *
 * @param state null before the scheduler looked at it, then e.g. {@code scheduled}, {@code queued},
 *              {@code running}, {@code up_for_reschedule} (a sensor between polls), {@code up_for_retry},
 *              {@code success}, {@code failed}, {@code upstream_failed}, {@code skipped}
 * @param tryNumber the current (or last) try, from 1
 */
public record TaskInstance(String taskId, String state, int tryNumber) {

    /** Failed for good: {@code failed} or {@code upstream_failed}. */
    public boolean hasFailed() {
        return "failed".equals(state) || "upstream_failed".equals(state);
    }
}
