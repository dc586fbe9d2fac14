//! The conformance suite every [`Store`](super::Store) passes.
//!
//! Each case is a `pub async fn case(store: &dyn Store)` that panics on failure; the
//! [`conformance_tests!`](crate::conformance_tests) macro turns the whole list into one
//! `#[tokio::test]` per case for a given store factory, so a failure names its case. Cases
//! that involve time use short real durations (a few hundred ms) and assert only "not
//! before", never "within".
//!
//! Layout: `queue.rs` holds the inbox cases, `state.rs` the ephemeral values, counters,
//! registry and incident cases; both are re-exported here, where the macro finds them.

mod queue;
mod state;

pub use queue::*;
pub use state::*;

/// Generate one `#[tokio::test]` per conformance case. `$factory` is an async fn returning
/// `(store, guard)`: the store under test and whatever must live as long as it (a private
/// server, a temp dir).
#[macro_export]
macro_rules! conformance_tests {
    ($factory:path) => {
        $crate::conformance_tests!(@cases $factory;
            ping_answers,
            a_repeated_key_is_enqueued_once_within_a_batch_and_across_calls,
            five_concurrent_enqueues_of_one_key_enqueue_it_exactly_once,
            a_dedupe_key_is_forgotten_after_its_ttl,
            jobs_are_claimed_in_the_order_they_were_enqueued,
            an_acked_job_is_never_handed_out_again,
            a_job_whose_lease_expired_goes_to_another_consumer_as_a_second_delivery,
            a_rescheduled_job_is_not_claimable_before_its_time,
            a_delayed_enqueue_waits_and_a_past_time_is_ready_at_once,
            a_waiting_claim_receives_a_job_enqueued_meanwhile,
            a_claim_on_an_empty_queue_gives_nothing_after_its_wait,
            dead_letters_are_listed_oldest_first_paged_and_retried,
            an_out_of_range_dead_letter_id_names_nothing_rather_than_failing,
            queue_stats_count_ready_in_flight_delayed_and_dead,
            ephemeral_values_can_be_put_read_and_taken_once,
            put_if_absent_only_sets_a_missing_or_expired_key,
            ephemeral_values_expire,
            a_counter_counts_within_a_fixed_window_then_starts_again,
            an_empty_registry_is_at_version_zero,
            a_committed_registry_loads_back_ordered_by_id,
            a_commit_against_a_stale_version_conflicts_and_writes_nothing,
            audit_entries_are_numbered_from_one_and_paged,
            a_large_registry_commits_in_one_step,
            incidents_count_distinct_reporters_and_claims_in_first_order,
            incidents_are_listed_by_number_and_paged,
        );
    };
    (@cases $factory:path; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (store, _guard) = $factory().await;
                $crate::store::conformance::$case(&store).await;
            }
        )+
    };
}
