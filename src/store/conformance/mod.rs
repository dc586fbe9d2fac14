//! The conformance suite every store passes, through each of its traits.
//!
//! Each case is a `pub async fn case(stores: &Stores)` that panics on failure; the
//! [`conformance_tests!`](crate::conformance_tests) macro turns the whole list into one
//! `#[tokio::test]` per case for a given factory, so a failure names its case. Cases that
//! involve time use short real durations (a few hundred ms) and assert only "not before",
//! never "within".
//!
//! Layout: `inbox.rs` the inbox cases, `state.rs` keyed state, `registry.rs` the registry
//! and incidents; all re-exported here, where the macro finds them.

mod inbox;
mod registry;
mod state;

pub use inbox::*;
pub use registry::*;
pub use state::*;

/// Generate one `#[tokio::test]` per conformance case. `$factory` is an async fn returning
/// `(stores, guard)`: the [`Stores`](crate::store::Stores) under test and whatever must live
/// as long as they do (a private server, a temp dir).
#[macro_export]
macro_rules! conformance_tests {
    ($factory:path) => {
        $crate::conformance_tests!(@cases $factory;
            ping_answers,
            a_repeated_key_is_enqueued_once_within_a_batch_and_across_calls,
            five_concurrent_enqueues_of_one_key_enqueue_it_exactly_once,
            a_dedupe_key_is_forgotten_after_its_ttl,
            jobs_of_one_group_are_handed_out_one_at_a_time_in_order,
            jobs_of_different_groups_are_in_flight_at_once,
            a_committed_job_is_never_handed_out_again,
            a_job_whose_lease_expired_goes_to_another_consumer_as_a_second_delivery,
            a_commit_by_a_holder_that_lost_its_job_writes_nothing,
            a_retry_comes_back_at_its_time_without_holding_up_its_group,
            a_delayed_enqueue_waits_and_a_past_time_is_ready_at_once,
            a_waiting_claim_receives_a_job_enqueued_meanwhile,
            a_claim_on_an_empty_queue_gives_nothing_after_its_wait,
            a_step_commit_writes_its_state_and_follow_ups_with_the_ack,
            dead_letters_are_listed_oldest_first_paged_and_retried,
            an_out_of_range_dead_letter_id_names_nothing_rather_than_failing,
            queue_stats_count_ready_in_flight_delayed_and_dead,
            values_can_be_put_read_and_taken_once,
            a_grouped_key_is_found_without_its_group,
            put_if_absent_only_sets_a_missing_or_expired_key,
            values_expire,
            a_counter_counts_within_a_fixed_window_then_starts_again,
            an_empty_registry_is_at_version_zero,
            a_committed_registry_loads_back_ordered_by_id,
            a_commit_against_a_stale_version_conflicts_and_writes_nothing,
            audit_entries_are_numbered_from_one_and_paged,
            a_large_registry_commits_in_one_step,
            incidents_count_distinct_reporters_and_claims_in_first_order,
            incidents_are_listed_by_number_and_paged,
            recording_a_report_again_changes_only_last_seen,
        );
    };
    (@cases $factory:path; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (stores, _guard) = $factory().await;
                $crate::store::conformance::$case(&stores).await;
            }
        )+
    };
}
