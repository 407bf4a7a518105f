/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svg - the few pieces of hand-written SVG that layout.c needs: colours
 * computed from a hue, and text escaped for XML.
 */
#ifndef _KMEMLAB_SVG_H
#define _KMEMLAB_SVG_H

#include <stdbool.h>
#include <stdio.h>

#define SVG_COLOR_LEN 8		/* "#rrggbb" */

/* hue in degrees, saturation and lightness in [0, 1]: "#rrggbb" in buf. */
const char *svg_hsl(char buf[SVG_COLOR_LEN], double hue, double sat,
		    double light);

/* Write s with &, <, >, " and ' escaped, and control characters dropped. */
void svg_escape(FILE *out, const char *s);

/* <text x y ATTRS>printf(fmt)</text>; attrs use single quotes. */
void svg_text(FILE *out, double x, double y, const char *attrs,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* <rect x y width height ATTRS/>, or without the "/" when open. */
void svg_rect(FILE *out, double x, double y, double w, double h,
	      const char *attrs, bool open);

#endif /* _KMEMLAB_SVG_H */
