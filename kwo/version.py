"""kwo's version, in a module of its own: any module can import it without importing kwo's
package (whose public functions import the library lazily, which would close a cycle)."""

__version__ = "0.1.0"
