//! The fixed resource catalogues: text-to-speech voices, avatar presenters
//! and translation languages. Deterministic, built on first use.

use std::sync::OnceLock;

use videogen::types::{AvatarPresenter, Gender, Language, TtsVoice};

/// `(code, English name)` of every translation language.
const LANGUAGES: &[(&str, &str)] = &[
    ("ar", "Arabic"),
    ("bg", "Bulgarian"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ms", "Malay"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sk", "Slovak"),
    ("sv", "Swedish"),
    ("ta", "Tamil"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
];

/// `(name, gender)`: `F`, `M` or `N`.
type Named = (&'static str, char);

/// `(language code, accent, [(name, gender)])` of the voices.
const VOICES: &[(&str, &str, &[Named])] = &[
    (
        "en-US",
        "American",
        &[
            ("Ava", 'F'),
            ("Brian", 'M'),
            ("Emma", 'F'),
            ("Jordan", 'N'),
            ("Marcus", 'M'),
            ("Olivia", 'F'),
            ("Ryan", 'M'),
            ("Sky", 'N'),
        ],
    ),
    (
        "en-GB",
        "British",
        &[("Amelia", 'F'), ("Arthur", 'M'), ("Harriet", 'F'), ("Oliver", 'M')],
    ),
    ("en-AU", "Australian", &[("Charlotte", 'F'), ("Jack", 'M')]),
    ("en-IN", "Indian", &[("Priya", 'F'), ("Arjun", 'M')]),
    ("es-ES", "Castilian", &[("Lucia", 'F'), ("Sergio", 'M')]),
    ("es-MX", "Mexican", &[("Camila", 'F'), ("Diego", 'M')]),
    ("fr-FR", "Parisian", &[("Chloe", 'F'), ("Louis", 'M'), ("Manon", 'F')]),
    ("fr-CA", "Canadian", &[("Gabrielle", 'F'), ("Felix", 'M')]),
    ("de-DE", "Standard", &[("Hannah", 'F'), ("Lukas", 'M'), ("Mia", 'F')]),
    ("it-IT", "Standard", &[("Giulia", 'F'), ("Marco", 'M')]),
    ("pt-BR", "Brazilian", &[("Beatriz", 'F'), ("Rafael", 'M')]),
    ("nl-NL", "Standard", &[("Sanne", 'F'), ("Daan", 'M')]),
    ("ja-JP", "Tokyo", &[("Yui", 'F'), ("Haruto", 'M')]),
    ("ko-KR", "Seoul", &[("Jiwoo", 'F'), ("Minjun", 'M')]),
    ("zh-CN", "Mandarin", &[("Xiaomei", 'F'), ("Wei", 'M')]),
    ("hi-IN", "Standard", &[("Ananya", 'F'), ("Rohan", 'M')]),
    ("pl-PL", "Standard", &[("Zofia", 'F'), ("Jakub", 'M')]),
    ("sv-SE", "Standard", &[("Elsa", 'F'), ("Nils", 'M')]),
];

/// `(name, gender)` of the avatar presenters.
const PRESENTERS: &[Named] = &[
    ("Alex", 'N'),
    ("Amara", 'F'),
    ("Ben", 'M'),
    ("Carmen", 'F'),
    ("Daniel", 'M'),
    ("Elena", 'F'),
    ("Farid", 'M'),
    ("Grace", 'F'),
    ("Hiro", 'M'),
    ("Isla", 'F'),
    ("Jonas", 'M'),
    ("Kira", 'F'),
    ("Leo", 'M'),
    ("Maya", 'F'),
    ("Noah", 'M'),
    ("Priya", 'F'),
    ("Quinn", 'N'),
    ("Rosa", 'F'),
    ("Sam", 'N'),
    ("Tariq", 'M'),
    ("Uma", 'F'),
    ("Victor", 'M'),
    ("Wen", 'F'),
    ("Yusuf", 'M'),
];

fn gender(code: char) -> Gender {
    match code {
        'F' => Gender::Female,
        'M' => Gender::Male,
        _ => Gender::Neutral,
    }
}

fn slug(text: &str) -> String {
    text.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// Every language.
pub(crate) fn languages() -> Vec<Language> {
    LANGUAGES
        .iter()
        .map(|(code, name)| Language {
            language_code: (*code).to_owned(),
            name: (*name).to_owned(),
        })
        .collect()
}

/// Every voice, deprecated ones included (every seventh voice is deprecated;
/// every fifth cannot be used by the tool directly; every sixth speaks all
/// languages).
pub(crate) fn voices() -> &'static [TtsVoice] {
    static VOICE_LIST: OnceLock<Vec<TtsVoice>> = OnceLock::new();
    VOICE_LIST.get_or_init(|| {
        let mut out = Vec::new();
        for (language, accent, names) in VOICES {
            for (name, g) in *names {
                let n = out.len();
                out.push(TtsVoice {
                    accent: Some((*accent).to_owned()),
                    description: Some(format!("{accent} {} voice, warm and clear", language_name(language))),
                    display_gender: gender(*g),
                    display_name: (*name).to_owned(),
                    is_deprecated: n % 7 == 6,
                    language_code: (*language).to_owned(),
                    supports_all_languages: n % 6 == 0,
                    supports_direct_tool_execution: n % 5 != 4,
                    voice_id: format!("vg_voic_{}_{}", slug(language), slug(name)),
                });
            }
        }
        out
    })
}

fn language_name(code: &str) -> &'static str {
    let short = code.split('-').next().unwrap_or(code);
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == short)
        .map_or("unknown", |(_, n)| n)
}

/// Whether a voice id names a catalogue voice.
pub(crate) fn voice(id: &str) -> Option<&'static TtsVoice> {
    voices().iter().find(|v| v.voice_id == id)
}

/// Every presenter, with picture and sample URLs on the fake.
pub(crate) fn presenters(base: &str) -> Vec<AvatarPresenter> {
    PRESENTERS
        .iter()
        .map(|(name, g)| {
            let slug = slug(name);
            AvatarPresenter {
                avatar_presenter_id: format!("vg_pres_{slug}"),
                displayable_gender: gender(*g),
                image_url: format!("{base}/assets/presenters/{slug}.jpg"),
                preview_video_url: format!("{base}/assets/presenters/{slug}.mp4"),
                thumbnail_url: format!("{base}/assets/presenters/{slug}-thumb.jpg"),
            }
        })
        .collect()
}

/// Whether an id names a catalogue presenter.
pub(crate) fn presenter_exists(id: &str) -> bool {
    id.strip_prefix("vg_pres_")
        .is_some_and(|s| PRESENTERS.iter().any(|(name, _)| slug(name) == s))
}

/// Presenters ordered by fit to a voice: same gender first (then the rest),
/// each group in catalogue order. Unknown voices leave the order alone.
pub(crate) fn presenters_for(base: &str, voice_id: Option<&str>) -> Vec<AvatarPresenter> {
    let mut all = presenters(base);
    if let Some(voice) = voice_id.and_then(voice) {
        all.sort_by_key(|p| p.displayable_gender != voice.display_gender);
    }
    all
}

/// The media type of an asset path, by extension.
pub(crate) fn asset_type(path: &str) -> Option<&'static str> {
    match path.rsplit('.').next()? {
        "jpg" => Some("image/jpeg"),
        "mp4" => Some("video/mp4"),
        "mp3" => Some("audio/mpeg"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_are_sizeable_and_ids_unique() {
        let voices = voices();
        assert!(voices.len() >= 40, "{}", voices.len());
        let mut ids: Vec<_> = voices.iter().map(|v| &v.voice_id).collect();
        ids.dedup();
        assert_eq!(ids.len(), voices.len());
        assert!(voices.iter().any(|v| v.is_deprecated));
        assert!(presenter_exists("vg_pres_amara") && !presenter_exists("vg_pres_nobody"));
        let female = voices.iter().find(|v| v.display_gender == Gender::Female).unwrap();
        let ranked = presenters_for("http://x", Some(&female.voice_id));
        assert_eq!(ranked[0].displayable_gender, Gender::Female);
        assert!(languages().len() >= 30);
    }
}
