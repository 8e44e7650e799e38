"""`matcalc serve`: the playground in the browser (the server is matcalc/serve/)."""
import click

from .common import Command


@click.command(cls=Command)
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port on 127.0.0.1 (default: the first free one from 8765; 0: any free port).")
@click.option("--no-browser", is_flag=True, help="Do not open the page in the browser; print its address only.")
@click.option("--verbose", is_flag=True, help="Log every request on standard error.")
def serve(port, no_browser, verbose):
    """Open the playground: a local web page that derives as you type (Ctrl-C stops it).

    \b
    Examples:
      matcalc serve
      matcalc serve --port 8000 --no-browser
    """
    from ..serve import serve as run
    run(port=port, open_browser=not no_browser, verbose=verbose)


COMMANDS = (serve,)
