import {Text, type TextProps} from 'ink'
import React, {createContext, useContext} from 'react'

/**
 * Colour on or off for every Ink view (src/ui/color.ts decides). Views render text through `Styled`,
 * never through Ink's `Text` with style props, so `--no-color` / `NO_COLOR` leave no escape sequence.
 */
export const ColorContext = createContext<boolean>(true)

export function ColorProvider({color, children}: {color: boolean; children: React.ReactNode}) {
  return <ColorContext.Provider value={color}>{children}</ColorContext.Provider>
}

/** Ink's `Text`; with colour off, the colour and style props (colour, bold, dim, inverse, …) are dropped. */
export function Styled(props: TextProps) {
  const color = useContext(ColorContext)
  if (color) return <Text {...props} />
  const {color: _color, backgroundColor: _bg, bold: _bold, dimColor: _dim, italic: _italic, underline: _underline, strikethrough: _strike, inverse: _inverse, ...plain} = props
  return <Text {...plain} />
}
