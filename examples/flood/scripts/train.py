"""train step of the coastal flood model (placeholder science, real command-line interface)."""
import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description="train step")
    parser.add_argument("--out", required=True)
    args, _ = parser.parse_known_args()
    print(f"train: writing {args.out}")


if __name__ == "__main__":
    main()
