## Size rows ("ряды") and what the supplier did not send (issue 21).

purchase-admin-item-error-rows-sizes = для продажи рядами нужно хотя бы два размера, например «ряд 42,44,46,48».
purchase-admin-item-error-rows-pieces = в ряду может быть от 2 до { $max } штук, например «ряд 5: красный, синий».

## Rows as buyers and organizers see them

rows-place-taken = { $size } ✓
rows-place-free = { $size } — свободно
rows-places-free = свободно { $count } { $count ->
    [one] место
    [few] места
   *[many] мест
}
rows-row = ряд { $number }: { $places }{ $state ->
    [filled] {" "}— собран
    [buy_out] {" "}— выкуп за счёт организатора
    [drop] {" "}— снят, не выкупается
   *[open] {""}
}
rows-item-title = { $has_number ->
    [yes] { $number }.{" "}
   *[no] {""}
}{ $name } — продаётся рядами { $kind ->
    [mixed] по { $pieces } шт. любых вариантов
   *[sizes] ({ $sizes })
}: { $rows } { $rows ->
    [one] ряд
    [few] ряда
   *[many] рядов
}, собрано { $filled }
rows-more = …и ещё { $count } { $count ->
    [one] ряд
    [few] ряда
   *[many] рядов
}
rows-item-mark = { $pieces ->
    [0] рядами
   *[other] рядами по { $pieces } шт.
}
rows-more-items = …и ещё { $count } { $count ->
    [one] товар
    [few] товара
   *[many] товаров
} рядами
rows-free-offer = Свободные места: { $sizes } — закажите, чтобы ряд собрался.
rows-new-row-offer = { $any ->
    [yes] Все ряды собраны: новый заказ начнёт следующий ряд.
   *[no] Заказов ещё нет: первый заказ начнёт первый ряд.
}
rows-card-title = 📏 Ряды
rows-card-warning = Ряд выкупается у поставщика, только когда заняты все его места. Позиция в несобранном ряду может быть не выкуплена: тогда она не войдёт в сумму заказа.

## The organizer: rows at the stop

rows-button-rows = 📏 Ряды{ $count ->
    [0] {""}
   *[other] {" "}(ждут решения: { $count })
}
rows-organizer-title = Ряды покупки «{ $title }»
rows-organizer-none = В покупке нет товаров, которые продаются рядами.
rows-organizer-waiting = { $count ->
    [0] Все несобранные ряды решены: покупку можно переводить к оплате.
    [one] { $count } несобранный ряд ждёт решения: выкупить его за свой счёт или снять.
    [few] { $count } несобранных ряда ждут решения: выкупить за свой счёт или снять.
   *[many] { $count } несобранных рядов ждут решения: выкупить за свой счёт или снять.
}
rows-button-buy-out = Выкупить: { $item }, ряд { $row }
rows-button-drop = Снять: { $item }, ряд { $row }
rows-decide-confirm = { $decision ->
    [drop] Снять ряд { $row } товара «{ $item }»? { $taken } { $taken ->
        [one] позиция не будет выкуплена
        [few] позиции не будут выкуплены
       *[many] позиций не будут выкуплены
    }, суммы заказов уменьшатся, покупатели получат сообщение.
   *[buy_out] Выкупить ряд { $row } товара «{ $item }» за свой счёт? Свободных мест: { $free } — их оплачиваете вы.
}
rows-dropped = Ряд { $row } товара «{ $item }» снят. Изменено { $orders } { $orders ->
    [one] заказ
    [few] заказа
   *[many] заказов
}, покупатели получат сообщение.
rows-bought-out = Ряд { $row } товара «{ $item }» выкупается за ваш счёт ({ $free } { $free ->
    [one] свободное место
    [few] свободных места
   *[many] свободных мест
}).
rows-not-stopped = Решать судьбу рядов можно только в остановленной покупке. Сейчас покупка: { $status }.
rows-row-stale = Ряд { $row } уже собран или решён. Откройте ряды заново.
rows-payment-needs-decisions = Сначала решите, что делать с несобранными рядами ({ $count }): выкупить за свой счёт или снять. Кнопка «📏 Ряды» на карточке покупки.

## Buyers told

rows-order-sum = Заказ { $number }: товары { $items } + оргсбор { $fee } — к оплате теперь { $due }.
rows-dropped-told = Ряд { $row } не собрался, и организатор его не выкупает: «{ $item }» × { $pieces } по заказу { $number } («{ $title }») не будет куплено.
rows-missing-told = По заказу { $number } («{ $title }»): «{ $item }» × { $pieces } — { $kind ->
    [out_of_stock] нет в наличии у поставщика
    [short] поставщик не доложил
    [defect] брак, обнаружен при разборе
   *[refused] вы отказались от замены
}. Эта позиция не входит в сумму заказа.
rows-credit-offer = Переплату { $amount } можно вернуть или оставить у организатора «{ $organizer }» в счёт следующего заказа.
rows-button-keep-credit = Оставить { $amount } на следующий заказ
rows-button-take-refund = Вернуть { $amount }
rows-credit-kept = { $amount } по заказу { $number } остаются у организатора «{ $organizer }» в счёт следующего заказа. Ваш остаток у него: { $balance }.
rows-credit-kept-organizer = { $buyer } оставил(а) { $amount } переплаты по заказу { $number } у вас в счёт следующего заказа: возвращать не нужно, следующий заказ у вас зачтёт эту сумму.
rows-refund-chosen = Хорошо: организатор «{ $organizer }» вернёт вам { $amount } по заказу { $number } и отметит возврат.
rows-credit-not-allowed = Организатор «{ $organizer }» не принимает переплаты в счёт следующих заказов: он вернёт деньги.
rows-credit-stale = Этот заказ не найден.
rows-credit-stale-amount = { $nothing ->
    [yes] По заказу { $number } сейчас нечего возвращать.
   *[no] Сумма к возврату по заказу { $number } изменилась: теперь { $amount }. Посмотрите последнее сообщение.
}
rows-credit-used = Из вашего остатка у организатора зачтено { $amount }.

## The organizer: what the supplier did not send

rows-button-shortfalls = 📦 Недовложения
rows-button-credits = { $allowed ->
    [yes] Разрешить оставлять переплату на след. заказ
   *[no] Не оставлять переплату на след. заказ
}
rows-credits-set = { $allowed ->
    [yes] Теперь покупатели могут оставлять переплату у вас в счёт следующего заказа.
   *[no] Теперь переплата всегда возвращается покупателям.
}
rows-shortfalls-title = Что не прислал поставщик — «{ $title }». Выберите позицию по номеру. { $credits ->
    [yes] Переплату покупатель может оставить на следующий заказ.
   *[no] Переплата возвращается покупателю.
}
rows-shortfalls-line = { $number }. { $order } · { $buyer } · { $item } × { $quantity }{ $has_state ->
    [yes] {" "}({ $state })
   *[no] {""}
}
rows-line-dropped = не выкуплено (ряд снят): { $pieces }
rows-line-missing = не пришло: { $pieces } — { $kind ->
    [out_of_stock] нет в наличии
    [short] недовложение
    [defect] брак
   *[refused] отказ от замены
}
rows-line-replacement = замена на «{ $replacement }»: { $state ->
    [accepted] принята
    [refused] отклонена
   *[offered] ждёт ответа покупателя
}
rows-line-card = Заказ { $order }: { $item } × { $quantity }, придёт { $kept }.{ $has_state ->
    [yes] {" "}{ $state }.
   *[no] {""}
} Что с этой позицией?
rows-button-mark = { $kind ->
    [out_of_stock] Нет в наличии
    [short] Недовложение
    [defect] Брак
   *[replace] Замена
}
rows-button-back-lines = ← К позициям
rows-ask-pieces = Сколько штук из { $kept }? Напишите число.
rows-ask-replacement = Чем поставщик заменил «{ $item }»? Напишите размер или цвет, например 46 или синий.
rows-pieces-bad = Нужно число от 1 до { $kept }. Напишите его ещё раз.
rows-replacement-bad = Напишите замену одной строкой, до { $max } символов.
rows-replacement-waiting = По этой позиции уже ждём ответа покупателя о замене на «{ $replacement }».
rows-line-not-found = Позиция не найдена: возможно, заказ отменён.
rows-line-nothing-left = По этой позиции уже ничего не придёт.
rows-shortfalls-closed = Отмечать недовложения можно после заказа у поставщика и до закрытия покупки. Сейчас покупка: { $status }.
rows-marked = Отмечено: «{ $item }» × { $pieces } по заказу { $number } — { $kind ->
    [out_of_stock] нет в наличии
    [short] недовложение
   *[defect] брак
}. Сумма пересчитана, покупатель получит сообщение. Деньги по заказу: { $state }.
rows-marked-next = Что ещё не прислал поставщик?
rows-replacement-offered = Покупателю заказа { $number } предложена замена «{ $item }» × { $pieces } на «{ $replacement }». Ответ придёт вам.
rows-replacement-ask = По заказу { $number } («{ $title }») поставщик прислал вместо «{ $item }» × { $pieces }: «{ $replacement }». Берёте замену? Если нет — позиция не войдёт в сумму заказа.
rows-button-replacement-yes = Беру замену
rows-button-replacement-no = Отказаться
rows-replacement-done = { $accept ->
    [yes] Вы взяли замену: «{ $replacement }» вместо «{ $item }» × { $pieces }.
   *[no] Вы отказались от замены «{ $replacement }». «{ $item }» × { $pieces } не входит в сумму заказа.
}
rows-replacement-stale = На этот вопрос уже есть ответ.
rows-replacement-answered = Заказ { $number }: покупатель { $accept ->
    [yes] согласен на замену
   *[no] отказался от замены
} «{ $item }» × { $pieces } на «{ $replacement }».

## Exports

rows-export-rows = рядов: { $rows }{ $has_own ->
    [yes] ; за счёт организатора: { $own }
   *[no] {""}
}
rows-export-not-bought = не выкуплено
