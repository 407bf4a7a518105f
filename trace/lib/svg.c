// SPDX-License-Identifier: GPL-2.0
/* Helpers for the hand-written SVG of analyze layout. */
#include <stdarg.h>
#include <stdio.h>

#include "svg.h"

static double hue_part(double p, double q, double t)
{
	if (t < 0)
		t += 1;
	if (t > 1)
		t -= 1;
	if (t < 1.0 / 6)
		return p + (q - p) * 6 * t;
	if (t < 0.5)
		return q;
	if (t < 2.0 / 3)
		return p + (q - p) * (2.0 / 3 - t) * 6;
	return p;
}

/* SVG 1.1 has no hsl(), and not every renderer takes CSS colours. */
const char *svg_hsl(char buf[SVG_COLOR_LEN], double hue, double sat,
		    double light)
{
	double h = hue / 360;
	double q = light < 0.5 ? light * (1 + sat) : light + sat - light * sat;
	double p = 2 * light - q;

	/* No libm in the link: wrap the hue and round by hand. */
	h -= (long)h;
	if (h < 0)
		h += 1;
	snprintf(buf, SVG_COLOR_LEN, "#%02x%02x%02x",
		 (unsigned int)(255 * hue_part(p, q, h + 1.0 / 3) + 0.5),
		 (unsigned int)(255 * hue_part(p, q, h) + 0.5),
		 (unsigned int)(255 * hue_part(p, q, h - 1.0 / 3) + 0.5));
	return buf;
}

void svg_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			/* XML 1.0 forbids most control characters outright. */
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, out);
		}
	}
}

void svg_text(FILE *out, double x, double y, const char *attrs,
	      const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "<text x='%.1f' y='%.1f' %s>", x, y, attrs);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputs("</text>\n", out);
}

void svg_rect(FILE *out, double x, double y, double w, double h,
	      const char *attrs, bool open)
{
	fprintf(out, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' %s%s>",
		x, y, w, h, attrs, open ? "" : "/");
	if (!open)
		fputc('\n', out);
}
