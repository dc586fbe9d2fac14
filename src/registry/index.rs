//! A read-only view of the registry built for fast lookups by number.

use std::collections::{HashMap, HashSet};

use time::OffsetDateTime;

use super::model::{Official, OfficialId};
use crate::phone::E164;

/// What the registry says of one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberStatus<'a> {
    /// The number vouches for this official now.
    Active(&'a Official),
    /// The number was this official's but no longer vouches (retired, expired, not yet valid).
    Revoked(&'a Official),
    /// Staff or an admin reported the number as a scam.
    Reported,
    /// The registry does not know the number.
    Unknown,
}

impl NumberStatus<'_> {
    /// The wire name (`active`, `revoked`, `reported`, `unknown`).
    pub fn as_str(&self) -> &'static str {
        match self {
            NumberStatus::Active(_) => "active",
            NumberStatus::Revoked(_) => "revoked",
            NumberStatus::Reported => "reported",
            NumberStatus::Unknown => "unknown",
        }
    }

    /// The official the number belongs (or belonged) to.
    pub fn official(&self) -> Option<&Official> {
        match self {
            NumberStatus::Active(o) | NumberStatus::Revoked(o) => Some(o),
            _ => None,
        }
    }
}

/// The whole registry at one version, indexed by number and by id.
#[derive(Debug, Clone, Default)]
pub struct RegistryIndex {
    version: u64,
    officials: Vec<Official>,
    by_number: HashMap<E164, usize>,
    by_id: HashMap<OfficialId, usize>,
    reported: HashSet<E164>,
}

impl RegistryIndex {
    /// Index `officials` at registry `version`; `reported` are known scam numbers.
    pub fn new(version: u64, officials: Vec<Official>, reported: HashSet<E164>) -> RegistryIndex {
        let mut by_number = HashMap::new();
        let mut by_id = HashMap::new();
        for (i, official) in officials.iter().enumerate() {
            by_id.insert(official.id.clone(), i);
            for phone in &official.phones {
                by_number.insert(phone.number.clone(), i);
            }
        }
        RegistryIndex {
            version,
            officials,
            by_number,
            by_id,
            reported,
        }
    }

    /// The registry version this index was built from.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Every official, in store order.
    pub fn officials(&self) -> &[Official] {
        &self.officials
    }

    /// One official by id.
    pub fn official(&self, id: &OfficialId) -> Option<&Official> {
        self.by_id.get(id).map(|&i| &self.officials[i])
    }

    /// What the registry says of `number` at `now`. A registered number that is in office wins
    /// over a report (an admin vouched for it); a reported number wins over a retired one.
    pub fn lookup(&self, number: &E164, now: OffsetDateTime) -> NumberStatus<'_> {
        let registered = self.by_number.get(number).map(|&i| &self.officials[i]);
        match registered {
            Some(o) if o.is_in_office(now) => NumberStatus::Active(o),
            _ if self.reported.contains(number) => NumberStatus::Reported,
            Some(o) => NumberStatus::Revoked(o),
            None => NumberStatus::Unknown,
        }
    }
}
