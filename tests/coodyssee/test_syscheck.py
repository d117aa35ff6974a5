from coodyssee import syscheck


def test_missing_pango_names_the_debian_package(monkeypatch, capsys):
    def fail():
        raise OSError("cannot load library 'libpango-1.0-0': No such file")

    monkeypatch.setattr(syscheck, "_load_weasyprint", fail)
    assert syscheck.main() == 1
    err = capsys.readouterr().err
    assert "apt-get install libpango-1.0-0" in err


def test_complete_system_passes(capsys):
    assert syscheck.main() == 0
    assert capsys.readouterr().err == ""
