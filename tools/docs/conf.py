"""Sphinx configuration for the linreg_lab docs site (used by tools/build_docs.py, not run by hand).

The source folder is `_proc/site/`: notebooks already processed by nbdev's doc processors
(show_doc rendered, hidden cells removed, Quarto cell options turned into myst-nb tags).
Everything the site needs is served from the site itself: MathJax 3 comes from `sphinx-mathjax-offline`.
"""
import configparser
from pathlib import Path

_ini = configparser.ConfigParser()
_ini.read(Path(__file__).resolve().parents[2]/'settings.ini')
_s = _ini['DEFAULT']

project = _s.get('title', _s.get('lib_name'))
author = _s.get('author', '')
copyright = _s.get('copyright', '')
release = version = _s.get('version', '')
language = 'en'
root_doc = 'index'

extensions = ['myst_nb', 'sphinx.ext.mathjax',
              'sphinx-mathjax-offline']  # the package's folder is named with dashes; Sphinx imports it by that name
exclude_patterns = ['.doctrees', '**.ipynb_checkpoints']

# Notebooks are rendered with their saved outputs; nothing is executed here.
nb_execution_mode = 'off'
nb_render_markdown_format = 'myst'   # text/markdown outputs (show_doc) get tables and math
nb_merge_streams = True
nb_ipywidgets_js = {}               # no widget JS from a CDN (widget outputs are shown as text)
myst_enable_extensions = ['dollarmath', 'amsmath', 'attrs_block', 'attrs_inline']
myst_dmath_double_inline = True      # `$$...$$` inside a paragraph, as Jupyter renders it
myst_heading_anchors = 3
# nbdev's show_doc headings are level 3 under a level-1 title; that jump is intended.
suppress_warnings = ['myst.header']

html_theme = 'pydata_sphinx_theme'
html_title = project
html_static_path = ['_static']
templates_path = ['_templates']
html_css_files = ['custom.css']
html_sidebars = {'**': ['lessons-nav.html']}
html_theme_options = {
    'navbar_center': [],
    'navbar_end': ['search-button', 'theme-switcher'],
    'navbar_persistent': [],
    'secondary_sidebar_items': ['page-toc'],
    'show_toc_level': 2,
    'footer_start': ['copyright'],
    'footer_center': [],
    'footer_end': [],
    'show_prev_next': True,
    'navigation_with_keys': False,
}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
