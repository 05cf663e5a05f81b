"""voice_agent.speech.asterisk: the Debian telephone prompts and their transcripts."""

from __future__ import annotations

from voice_agent.speech import asterisk


def test_transcripts_of_both_languages_are_read() -> None:
    en, es = asterisk.transcripts("en"), asterisk.transcripts("es")
    assert len(en) > 400 and len(es) > 400
    assert en["vm-goodbye"] == "Goodbye"  # "name: text", comments (";") skipped
    assert es["vm-goodbye"].lower().startswith("hasta pronto")
    assert not any(k.startswith(";") for k in en)
    assert (asterisk.SOUNDS / "en" / "vm-goodbye.wav").is_file()


def test_a_language_without_the_package_reads_as_empty() -> None:
    assert asterisk.transcripts("xx") == {}
    assert "apt-get install asterisk-core-sounds-xx-wav" in asterisk.install_hint("xx")
