//! Built-in names of common posts, in English, Hindi and Hinglish (contract §4: "common titles
//! are known without being listed"). An official whose designation names a group is also found
//! by every other word of that group.

use std::sync::LazyLock;

use super::normalize::for_matching;

/// Groups of words that name the same post. The first entry is the English name.
pub(crate) const TITLE_GROUPS: &[&[&str]] = &[
    &[
        "commissioner",
        "municipal commissioner",
        "nigam commissioner",
        "commisioner",
        "comissioner",
        "aayukt",
        "ayukt",
        "nigam ayukt",
        "nigamayukt",
        "kamishnar",
        "kamisnar",
        "आयुक्त",
        "निगम आयुक्त",
        "निगमायुक्त",
        "कमिश्नर",
        "कमिशनर",
        "नगर निगम आयुक्त",
    ],
    &[
        "deputy commissioner",
        "dy commissioner",
        "upayukt",
        "उपायुक्त",
        "डिप्टी कमिश्नर",
    ],
    &[
        "additional commissioner",
        "addl commissioner",
        "apar ayukt",
        "अपर आयुक्त",
    ],
    &["mayor", "mahapaur", "mahapour", "meyar", "महापौर", "मेयर"],
    &[
        "chairperson",
        "chairman",
        "chairwoman",
        "chair person",
        "sabhapati",
        "adhyaksh",
        "सभापति",
        "अध्यक्ष",
        "चेयरमैन",
    ],
    &[
        "collector",
        "district collector",
        "collecter",
        "dm",
        "district magistrate",
        "kalektar",
        "jiladhikari",
        "zila adhikari",
        "कलेक्टर",
        "कलेक्टर साहब",
        "जिलाधिकारी",
        "जिला कलेक्टर",
        "जिला दंडाधिकारी",
    ],
    &[
        "sp",
        "superintendent of police",
        "police adhikshak",
        "एसपी",
        "पुलिस अधीक्षक",
    ],
    &[
        "ceo",
        "chief executive officer",
        "सीईओ",
        "मुख्य कार्यपालन अधिकारी",
    ],
    &["secretary", "sachiv", "सचिव", "सेक्रेटरी"],
    &[
        "sdm",
        "sub divisional magistrate",
        "एसडीएम",
        "अनुविभागीय अधिकारी",
    ],
    &["tehsildar", "tahsildar", "तहसीलदार"],
];

/// [`TITLE_GROUPS`] in matching form, computed once.
static GROUPS_NORMALISED: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    TITLE_GROUPS
        .iter()
        .map(|g| g.iter().map(|w| for_matching(w)).collect())
        .collect()
});

/// The normalised words (without the padding spaces) of every group the designation names. When
/// one group's word sits inside another's ("commissioner" in "deputy commissioner"), only the
/// more specific group counts: a deputy is not the commissioner.
pub(crate) fn synonyms_for(designation: &str) -> Vec<String> {
    let norm = for_matching(designation);
    if norm.trim().is_empty() {
        return Vec::new();
    }
    // For each group, the longest of its words the designation contains.
    let mut hits: Vec<(usize, &str)> = Vec::new();
    for (g, group) in GROUPS_NORMALISED.iter().enumerate() {
        let best = group
            .iter()
            .filter(|w| norm.contains(w.as_str()))
            .max_by_key(|w| w.len());
        if let Some(w) = best {
            hits.push((g, w.as_str()));
        }
    }
    let specific: Vec<usize> = hits
        .iter()
        .filter(|(g, w)| {
            !hits
                .iter()
                .any(|(h, v)| h != g && v.len() > w.len() && v.contains(*w))
        })
        .map(|(g, _)| *g)
        .collect();
    specific
        .into_iter()
        .flat_map(|g| GROUPS_NORMALISED[g].iter())
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_municipal_commissioner_is_also_the_aayukt() {
        let s = synonyms_for("Municipal Commissioner");
        assert!(s.contains(&"आयुक्त".to_string()));
        assert!(s.contains(&"commissioner".to_string()));
    }

    #[test]
    fn a_deputy_commissioner_is_not_the_commissioner() {
        let s = synonyms_for("Deputy Commissioner");
        assert!(s.contains(&"उपायुक्त".to_string()));
        assert!(!s.contains(&"commissioner".to_string()));
    }

    #[test]
    fn a_hindi_designation_finds_its_english_synonyms() {
        assert!(synonyms_for("जिला कलेक्टर").contains(&"collector".to_string()));
        assert!(synonyms_for("सभापति").contains(&"chairman".to_string()));
        assert!(synonyms_for("Chief Engineer").is_empty());
    }
}
