from conftest import CliResult


def test_value_of_seed_row(cli) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = cli("value", "--ram", "128GB")
    assert (result.code, result.out) == (0, "524288\n")
